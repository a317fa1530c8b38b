import { Badge, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useTotpStatus } from '../../hooks/api/account/queries';
import type { Account } from '../../hooks/api/account/types';
import { useAdminStrings } from '../../i18n/admin/admin-strings';
import { SectionCard } from '../common/page-section';
import { RecoveryCodesPanel } from './recovery-codes-panel';
import { RegenerateRecoveryCodes } from './regenerate-recovery-codes';
import { TwoFactorEnrolment } from './two-factor-enrolment';

/** Few enough left that the person should make new ones. */
const FEW_CODES = 3;

/**
 * Two-factor sign-in (TOTP) for staff: enrolment (password, QR code, first code), then the ten
 * recovery codes shown once, and afterwards how many are left and a way to make new ones.
 * Loaded lazily with the staff strings: customers never see it.
 */
export function TwoFactorSection({ account }: { account: Account }) {
  useAdminStrings();
  const { t } = useTranslation('admin');
  // Held here, not in the enrolment form: turning the factor on re-reads the account, which
  // swaps the form for the "on" view, and the codes must stay on screen until kept.
  const [shown, setShown] = useState<{ codes: string[]; justEnabled: boolean } | null>(null);
  // Every staff role needs it for the Operations pages (the section is shown to staff only).
  const mustHave = account.role !== null;
  const navigate = useNavigate();
  // Codes kept after turning the factor on: the Operations pages answer now, so go there.
  const kept = () => {
    const enrolled = shown?.justEnabled;
    setShown(null);
    if (enrolled) void navigate('/admin');
  };

  return (
    <SectionCard
      title={t('account.twoFactor.title')}
      extra={
        <Badge variant="light" color={account.totp_enabled ? 'teal' : mustHave ? 'yellow' : 'gray'} data-testid="two-factor-state">
          {account.totp_enabled ? t('account.twoFactor.on') : t('account.twoFactor.off')}
        </Badge>
      }
      id="two-factor"
      style={{ scrollMarginTop: 72 }}
      align="flex-start"
    >
      {shown ? (
        <>
          {shown.justEnabled && <Text size="sm">{t('account.twoFactor.done')}</Text>}
          <RecoveryCodesPanel codes={shown.codes} email={account.email} onDone={kept} />
        </>
      ) : account.totp_enabled ? (
        <TwoFactorOn onCodes={(codes) => setShown({ codes, justEnabled: false })} />
      ) : (
        <TwoFactorEnrolment mustHave={mustHave} onEnabled={(codes) => setShown({ codes, justEnabled: true })} />
      )}
    </SectionCard>
  );
}

function TwoFactorOn({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const { t } = useTranslation('admin');
  const status = useTotpStatus();
  const left = status.data?.recovery_codes_left;
  return (
    <>
      <Text size="sm">{t('account.twoFactor.enabled')}</Text>
      {left !== undefined && (
        <Text size="sm" c={left <= FEW_CODES ? 'orange' : 'dimmed'} data-testid="recovery-codes-left">
          {t('account.recoveryCodes.left', { count: left })}
          {left <= FEW_CODES && ` ${t('account.recoveryCodes.fewLeft')}`}
        </Text>
      )}
      <RegenerateRecoveryCodes onCodes={onCodes} />
    </>
  );
}
