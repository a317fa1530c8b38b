import { Alert, Anchor, Button, Code, Group, NativeSelect, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { CopyButton } from '../components/common/copy-button';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { keyState } from '../components/keys/key-status-badge';
import { CodeSnippet } from '../components/quick-start/code-snippet';
import {
  claudeCodeSnippet,
  codexConfigSnippet,
  curlSnippet,
  EXAMPLE_MODEL,
  nodeSnippet,
  pythonSnippet,
  shellEnvSnippet,
  suggestModel,
} from '@codex-gateway/backend/client-setup';
import { useApiKeys } from '../hooks/api/keys/queries';
import { useMyModels } from '../hooks/api/models/queries';
import { useLoadedSession } from '../hooks/api/session/queries';

/**
 * Ready-to-copy client setups (the same snippets as the README and the npm start banner).
 * The plain key is never stored, so the snippets read it from an environment variable and
 * name (by its name and prefix) which key to paste there; the model is one the person's
 * package allows today.
 */
export function QuickStartPage() {
  const { t } = useTranslation();
  const { api_base_url: baseUrl } = useLoadedSession();
  const keys = useApiKeys();
  const models = useMyModels();
  const allowed = models.data?.models ?? [];
  const usable = (keys.data ?? []).filter((key) => keyState(key) === 'active');
  const [keyId, setKeyId] = useState('');
  const [picked, setPicked] = useState('');
  const chosen = usable.find((key) => String(key.id) === keyId) ?? usable[0];
  const model = allowed.includes(picked) ? picked : (suggestModel(allowed) ?? EXAMPLE_MODEL);

  const input = chosen && {
    baseUrl,
    model,
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
      {models.isError && <ApiErrorAlert error={models.error} onRetry={() => void models.refetch()} />}
      {(keys.isPending || models.isPending) && <PageLoader />}
      {models.data && allowed.length === 0 && (
        <Alert color="yellow" variant="light" title={t('quickStart.noPackage')} data-testid="quick-start-no-package">
          <Button component={Link} to="/buy" size="xs" mt="xs">
            {t('quickStart.buy')}
          </Button>
        </Alert>
      )}
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
            {allowed.length > 0 && (
              <NativeSelect
                label={t('fields.model')}
                description={t('quickStart.modelHint')}
                value={model}
                onChange={(event) => setPicked(event.currentTarget.value)}
                data={allowed}
                w={{ base: '100%', xs: 260 }}
              />
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {t('quickStart.pasteHint', { name: chosen.name, prefix: chosen.key_prefix })}
          </Text>
          <CodeSnippet title={t('quickStart.envTitle')} code={shellEnvSnippet(input)} />
          <CodeSnippet title={t('quickStart.codexTitle')} code={codexConfigSnippet(input)} />
          <CodeSnippet title={t('quickStart.claudeCodeTitle')} code={claudeCodeSnippet(input)} />
          <CodeSnippet title={t('quickStart.curlTitle')} code={curlSnippet(input)} />
          <CodeSnippet title={t('quickStart.pythonTitle')} code={pythonSnippet(input)} />
          <CodeSnippet title={t('quickStart.nodeTitle')} code={nodeSnippet(input)} />
          <Text size="sm" c="dimmed" data-testid="quick-start-retries">
            {t('quickStart.retries')}
          </Text>
        </>
      )}
    </Stack>
  );
}
