import { NavLink, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import type { Translation } from '../../i18n/en';
import { useLoadedSession } from '../../hooks/api/session/queries';

const LINKS = [
  { to: '/', label: 'nav.overview' },
  { to: '/keys', label: 'nav.keys' },
  { to: '/usage', label: 'nav.usage' },
  { to: '/quick-start', label: 'nav.quickStart' },
  { to: '/api-reference', label: 'nav.apiReference' },
  { to: '/buy', label: 'nav.buy' },
  { to: '/orders', label: 'nav.orders' },
  { to: '/redeem', label: 'nav.redeem' },
  { to: '/account', label: 'nav.account' },
] as const;

type AdminSection = keyof Translation['nav']['admin'];

/** The Operations group, shown to staff only; the staff page to owners only. */
const ADMIN_LINKS: Array<{ to: string; section: AdminSection; ownerOnly?: boolean }> = [
  { to: '/admin', section: 'overview' },
  { to: '/admin/users', section: 'users' },
  { to: '/admin/packages', section: 'packages' },
  { to: '/admin/models', section: 'models' },
  { to: '/admin/channels', section: 'channels' },
  { to: '/admin/orders', section: 'orders' },
  { to: '/admin/codes', section: 'codes' },
  { to: '/admin/usage', section: 'usage' },
  { to: '/admin/audit', section: 'audit' },
  { to: '/admin/staff', section: 'staff', ownerOnly: true },
];

/** A link is current on its own path and below it; the two overviews only on their own path. */
function isActive(pathname: string, to: string): boolean {
  if (to === '/' || to === '/admin') return pathname === to || pathname === `${to}/`;
  return pathname === to || pathname.startsWith(`${to}/`);
}

/** The console's sections; `onNavigate` closes the phone drawer after a choice. */
export function NavLinks({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const { user } = useLoadedSession();
  const operationsId = useId();
  const role = user?.role ?? null;

  const link = (to: string, label: string) => {
    const active = isActive(pathname, to);
    return <NavLink key={to} component={Link} to={to} label={label} active={active} aria-current={active ? 'page' : undefined} onClick={onNavigate} />;
  };

  return (
    <Stack gap="md">
      <Stack component="nav" aria-label={t('nav.main')} gap={2}>
        {LINKS.map((item) => link(item.to, t(item.label)))}
      </Stack>
      {role && (
        // A landmark of its own: "Overview", "Usage" and "Orders" exist in both groups.
        <Stack component="nav" aria-labelledby={operationsId} gap={2}>
          <Text id={operationsId} size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pb={4}>
            {t('nav.operations')}
          </Text>
          {ADMIN_LINKS.filter((item) => !item.ownerOnly || role === 'owner').map((item) => link(item.to, t(`nav.admin.${item.section}`)))}
        </Stack>
      )}
    </Stack>
  );
}
