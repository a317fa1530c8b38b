import { Alert, Button, Group, Paper, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageHeader } from '../components/common/page-header';
import { LimitsList } from '../components/packages/limits-list';
import { useRedeemCode } from '../hooks/api/redeem/mutations';
import { validate } from '../lib/form-validation';
import { useFormat } from '../lib/format';

export function RedeemPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const redeem = useRedeemCode();
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('redeemRequest', { code });
    setInvalid(checked.invalid !== null);
    if (checked.data) redeem.mutate(checked.data.code, { onSuccess: () => setCode('') });
  };

  const period = redeem.data;
  return (
    <Stack gap="lg">
      <PageHeader title={t('redeem.title')} description={t('redeem.intro')} />
      <Paper withBorder p="md" radius="md" maw={560}>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Stack gap="md">
            <TextInput
              label={t('fields.code')}
              required
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
              error={invalid ? t('validation.code') : undefined}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', textTransform: 'uppercase' } }}
            />
            {redeem.isError && <ApiErrorAlert error={redeem.error} />}
            <Group>
              <Button type="submit" loading={redeem.isPending}>
                {t('redeem.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {period && (
        <Alert color="teal" variant="light" role="status" maw={560} data-testid="redeemed-period">
          <Stack gap="xs">
            {t('redeem.done', { name: period.package_name, start: format.day(period.start_date), end: format.day(period.end_date) })}
            <LimitsList limits={period} />
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
