import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { ChangePasswordForm } from '../components/account/change-password-form';
import { NoticePreferencesSection } from '../components/account/notice-preferences-section';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { SectionCard } from '../components/common/page-section';
import { useMe } from '../hooks/api/account/queries';
import { useSignOut } from '../hooks/api/auth/mutations';
import { useLoadedSession } from '../hooks/api/session/queries';
import { useFormat } from '../lib/format';

// Staff only, with the staff strings: customers never download it.
const TwoFactorSection = lazy(() => import('../components/account/two-factor-section').then((m) => ({ default: m.TwoFactorSection })));

export function AccountPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const me = useMe();
  const signOut = useSignOut();
  const { user } = useLoadedSession();
  const { hash } = useLocation();

  // The Operations pages link to #two-factor: bring it into view once it is drawn.
  useEffect(() => {
    if (hash === '#two-factor') document.getElementById('two-factor')?.scrollIntoView({ block: 'start' });
  }, [hash]);

  const signOutEverywhere = async () => {
    await signOut.mutateAsync(true).catch(() => undefined);
    await navigate('/sign-in', { replace: true });
  };

  return (
    <Stack gap="lg">
      <PageHeader title={t('account.title')} />
      <SectionCard title={t('account.details')}>
        {me.isError && <ApiErrorAlert error={me.error} onRetry={() => void me.refetch()} />}
        {me.isPending && <PageLoader />}
        {me.data && (
          <Table variant="vertical" withTableBorder={false} maw={560}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={160}>{t('account.email')}</Table.Th>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  <Group gap="xs">
                    <Text size="sm">{me.data.email}</Text>
                    <Badge variant="light" color={me.data.email_verified ? 'teal' : 'yellow'}>
                      {me.data.email_verified ? t('account.verified') : t('account.notVerified')}
                    </Badge>
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('account.memberSince')}</Table.Th>
                <Table.Td>{format.dateTime(me.data.created_at)}</Table.Td>
              </Table.Tr>
              {me.data.role && (
                <Table.Tr>
                  <Table.Th>{t('account.role')}</Table.Th>
                  <Table.Td>{t(`account.roles.${me.data.role}`)}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        )}
      </SectionCard>
      <NoticePreferencesSection />
      {/* Staff only: the Operations pages need it for every staff role. */}
      {user?.role && (
        <Suspense fallback={<PageLoader />}>
          <TwoFactorSection account={user} />
        </Suspense>
      )}
      <SectionCard title={t('account.changePassword')}>
        <ChangePasswordForm />
      </SectionCard>
      <SectionCard title={t('account.sessions')} intro={t('account.sessionsBody')} align="flex-start">
        <Button color="red" variant="light" loading={signOut.isPending} onClick={() => void signOutEverywhere()}>
          {t('accountMenu.signOutEverywhere')}
        </Button>
      </SectionCard>
    </Stack>
  );
}
