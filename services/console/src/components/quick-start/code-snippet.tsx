import { Code, Group, Paper, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../common/copy-button';

/** A titled, copyable block of code; wide lines scroll inside it, not the page. */
export function CodeSnippet({ title, code }: { title: string; code: string }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} size="h5">
            {title}
          </Title>
          <CopyButton value={code} label={`${t('quickStart.copySnippet')}: ${title}`} />
        </Group>
        <Code block style={{ overflowX: 'auto', whiteSpace: 'pre' }}>
          {code}
        </Code>
      </Stack>
    </Paper>
  );
}
