import { AppShell, Burger, Group, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { useMailLanguageFollowsConsole } from '../../hooks/api/account/mail-language';
import { useLoadedSession } from '../../hooks/api/session/queries';
import { PageLoader } from '../common/page-loader';
import { AccountMenu } from './account-menu';
import { Brand } from './brand';
import { LanguageSelect } from './language-select';
import { NavLinks } from './nav-links';
import { SkipLink } from './skip-link';

/** The signed-in frame: header, a navbar that becomes a burger drawer on phones, the page. */
export function ConsoleLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const { user } = useLoadedSession();
  useMailLanguageFollowsConsole(user);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={{ base: 'sm', sm: 'lg' }}>
      <SkipLink />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} aria-expanded={opened} />
            <Brand />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSelect />
            {user && <AccountMenu email={user.email} />}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <AppShell.Section grow component={ScrollArea}>
          <NavLinks onNavigate={close} />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
