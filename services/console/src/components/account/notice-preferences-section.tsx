import { Switch } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSetNoticePreferences } from '../../hooks/api/account/mutations';
import { useNoticePreferences } from '../../hooks/api/account/queries';
import type { NoticePreferences } from '../../hooks/api/account/types';
import { ApiErrorAlert } from '../common/api-error-alert';
import { PageLoader } from '../common/page-loader';
import { SectionCard } from '../common/page-section';

const SWITCHES = ['receipts', 'limit_warnings', 'package_ending'] as const satisfies ReadonlyArray<keyof NoticePreferences>;

/** The mails a customer gets besides sign-in mails, each switchable off; a switch saves at once. */
export function NoticePreferencesSection() {
  const { t } = useTranslation();
  const prefs = useNoticePreferences();
  const change = useSetNoticePreferences();

  return (
    <SectionCard title={t('account.notices.title')} intro={t('account.notices.intro')} id="notifications">
      {prefs.isError && <ApiErrorAlert error={prefs.error} onRetry={() => void prefs.refetch()} />}
      {prefs.isPending && <PageLoader />}
      {prefs.data &&
        SWITCHES.map((name) => (
          <Switch
            key={name}
            data-testid={`notice-${name}`}
            label={t(`account.notices.${name}`)}
            description={t(`account.notices.${name}Hint`)}
            checked={change.isPending && change.variables?.[name] !== undefined ? change.variables[name] : prefs.data[name]}
            disabled={change.isPending}
            onChange={(event) => change.mutate({ [name]: event.currentTarget.checked })}
          />
        ))}
      {change.isError && <ApiErrorAlert error={change.error} />}
    </SectionCard>
  );
}
