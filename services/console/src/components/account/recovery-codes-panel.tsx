import { Alert, Button, Code, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../common/copy-button';

/**
 * The recovery codes, shown this once (the gateway keeps only their hashes): to copy, to
 * download as a text file, or to write down; the person says when they have kept them.
 */
export function RecoveryCodesPanel({ codes, email, onDone }: { codes: string[]; email: string; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const text = codes.join('\n');

  const download = () => {
    const body = `${t('account.recoveryCodes.fileTitle', { email })}\n\n${text}\n\n${t('account.recoveryCodes.fileNote')}\n`;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([body], { type: 'text/plain;charset=utf-8' }));
    link.download = 'codex-gateway-recovery-codes.txt';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  return (
    <Stack gap="sm" w="100%" maw={640}>
      <Alert color="yellow" variant="light" title={t('account.recoveryCodes.title')}>
        {t('account.recoveryCodes.intro')}
      </Alert>
      <SimpleGrid cols={2} spacing="xs" verticalSpacing={4} maw={360} data-testid="recovery-codes">
        {codes.map((code) => (
          <Code key={code} fz="md" ta="center" style={{ letterSpacing: '0.08em' }}>
            {code}
          </Code>
        ))}
      </SimpleGrid>
      <Group gap="xs">
        <CopyButton value={text} label={t('account.recoveryCodes.copy')} />
        <Button size="xs" variant="light" onClick={download}>
          {t('account.recoveryCodes.download')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('account.recoveryCodes.onceOnly')}
      </Text>
      <Group>
        <Button onClick={onDone}>{t('account.recoveryCodes.saved')}</Button>
      </Group>
    </Stack>
  );
}
