import { Alert, Anchor, Button, Code, Group, NativeSelect, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { CopyButton } from '../components/common/copy-button';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { keyState } from '../components/keys/key-status-badge';
import { CodeSnippet } from '../components/quick-start/code-snippet';
import { codexConfigSnippet, curlSnippet, nodeSnippet, pythonSnippet, shellEnvSnippet } from '../components/quick-start/snippets';
import { useApiKeys } from '../hooks/api/keys/queries';
import { useLoadedSession } from '../hooks/api/session/queries';

const DEFAULT_MODEL = 'gpt-4o-mini';

/**
 * Ready-to-copy client setups. The plain key is never stored, so the snippets read it from
 * an environment variable and name (by its name and prefix) which key to paste there.
 */
export function QuickStartPage() {
  const { t } = useTranslation();
  const { api_base_url: baseUrl } = useLoadedSession();
  const keys = useApiKeys();
  const usable = (keys.data ?? []).filter((key) => keyState(key) === 'active');
  const [keyId, setKeyId] = useState('');
  const [model, setModel] = useState(DEFAULT_MODEL);
  const chosen = usable.find((key) => String(key.id) === keyId) ?? usable[0];

  const input = chosen && {
    baseUrl,
    model: model.trim() || DEFAULT_MODEL,
    keyComment: t('quickStart.keyComment', { name: chosen.name, prefix: chosen.key_prefix }),
    envComment: t('quickStart.envComment'),
  };

  return (
    <Stack gap="lg">
      <PageHeader title={t('quickStart.title')} description={t('quickStart.intro')} />
      <Paper withBorder p="md" radius="md">
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            {t('quickStart.baseUrl')}
          </Text>
          <Group gap="sm" wrap="nowrap">
            <Code style={{ overflowWrap: 'anywhere' }}>{baseUrl}</Code>
            <CopyButton value={baseUrl} label={`${t('common.copy')}: ${t('quickStart.baseUrl')}`} />
          </Group>
          <Text size="sm" c="dimmed">
            {t('quickStart.apiReferenceHint')}{' '}
            <Anchor component={Link} to="/api-reference" size="sm" fw={600}>
              {t('nav.apiReference')}
            </Anchor>
          </Text>
        </Stack>
      </Paper>

      {keys.isError && <ApiErrorAlert error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.isPending && <PageLoader />}
      {keys.data && usable.length === 0 && (
        <Alert color="yellow" variant="light" title={t('quickStart.noKeys')}>
          <Button component={Link} to="/keys" size="xs" mt="xs">
            {t('quickStart.createKey')}
          </Button>
        </Alert>
      )}

      {chosen && input && (
        <>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <NativeSelect
              label={t('fields.apiKey')}
              value={String(chosen.id)}
              onChange={(event) => setKeyId(event.currentTarget.value)}
              data={usable.map((key) => ({ value: String(key.id), label: `${key.name} (${key.key_prefix}…)` }))}
              w={{ base: '100%', xs: 260 }}
            />
            <TextInput label={t('fields.model')} value={model} onChange={(event) => setModel(event.currentTarget.value)} w={{ base: '100%', xs: 220 }} />
          </Group>
          <Text size="sm" c="dimmed">
            {t('quickStart.pasteHint', { name: chosen.name, prefix: chosen.key_prefix })}
          </Text>
          <CodeSnippet title={t('quickStart.envTitle')} code={shellEnvSnippet(input)} />
          <CodeSnippet title={t('quickStart.codexTitle')} code={codexConfigSnippet(input)} />
          <CodeSnippet title={t('quickStart.curlTitle')} code={curlSnippet(input)} />
          <CodeSnippet title={t('quickStart.pythonTitle')} code={pythonSnippet(input)} />
          <CodeSnippet title={t('quickStart.nodeTitle')} code={nodeSnippet(input)} />
        </>
      )}
    </Stack>
  );
}
