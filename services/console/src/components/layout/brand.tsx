import { Anchor, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';

/** The product name in the header, linking home. */
export function Brand() {
  const { t } = useTranslation();
  return (
    <Anchor component={Link} to="/" underline="never" c="inherit">
      <Group gap={8} wrap="nowrap">
        <svg width="22" height="22" viewBox="0 0 16 16" aria-hidden="true">
          <rect width="16" height="16" rx="3" fill="var(--mantine-color-blue-6)" />
          <path d="M4 5.5 6.5 8 4 10.5M8 10.5h4" stroke="white" strokeWidth="1.5" fill="none" strokeLinecap="round" />
        </svg>
        <Text fw={700} size="md" style={{ whiteSpace: 'nowrap' }}>
          {t('app.name')}
        </Text>
      </Group>
    </Anchor>
  );
}
