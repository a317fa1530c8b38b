import { Button, Center } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** "Load more" under a keyset-paged table; nothing when there is no next page. */
export function LoadMore({ hasMore, loading, onLoadMore }: { hasMore: boolean; loading: boolean; onLoadMore: () => void }) {
  const { t } = useTranslation();
  if (!hasMore) return null;
  return (
    <Center mt="md">
      <Button variant="default" onClick={onLoadMore} loading={loading}>
        {t('common.loadMore')}
      </Button>
    </Center>
  );
}
