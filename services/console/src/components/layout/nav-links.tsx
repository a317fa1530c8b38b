import { NavLink, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';

const LINKS = [
  { to: '/', label: 'nav.overview' },
  { to: '/keys', label: 'nav.keys' },
  { to: '/usage', label: 'nav.usage' },
  { to: '/quick-start', label: 'nav.quickStart' },
  { to: '/buy', label: 'nav.buy' },
  { to: '/orders', label: 'nav.orders' },
  { to: '/redeem', label: 'nav.redeem' },
  { to: '/account', label: 'nav.account' },
] as const;

/** The console's sections; `onNavigate` closes the phone drawer after a choice. */
export function NavLinks({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <Stack component="nav" aria-label={t('nav.main')} gap={2}>
      {LINKS.map((link) => {
        const active = link.to === '/' ? pathname === '/' : pathname.startsWith(link.to);
        return (
          <NavLink
            key={link.to}
            component={Link}
            to={link.to}
            label={t(link.label)}
            active={active}
            aria-current={active ? 'page' : undefined}
            onClick={onNavigate}
          />
        );
      })}
    </Stack>
  );
}
