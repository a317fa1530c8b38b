import { Button, Code, CopyButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CreatedCodes } from '../../../hooks/api/admin/codes/types';

/** The codes of a batch just created, one a line, with a button that copies them all. */
export function IssuedCodes({ created, packageName, onClose }: { created: CreatedCodes; packageName: string; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const text = created.codes.join('\n');
  return (
    <Paper withBorder p="md" radius="md" bg="teal.0" role="status">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h4">
              {t('codes.createdTitle', { count: created.codes.length, package: packageName })}
            </Title>
            <Text size="sm" c="dimmed">
              {created.batch_name ? `${t('codes.batch')}: ${created.batch_name} · ` : ''}
              {t('codes.createdHint')}
            </Text>
          </div>
          <Group gap="xs">
            <CopyButton value={`${text}\n`} timeout={2000}>
              {({ copied, copy }) => (
                <Button size="xs" color={copied ? 'teal' : 'blue'} onClick={copy}>
                  {copied ? tMain('common.copied') : t('common.copyAll')}
                </Button>
              )}
            </CopyButton>
            <Button size="xs" variant="default" onClick={onClose}>
              {tMain('common.close')}
            </Button>
          </Group>
        </Group>
        <Code block data-testid="issued-codes" style={{ maxHeight: 240, overflow: 'auto', fontSize: 'var(--mantine-font-size-sm)' }}>
          {text}
        </Code>
      </Stack>
    </Paper>
  );
}
