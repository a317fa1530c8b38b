import { Avatar, Menu, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSignOut } from '../../hooks/api/auth/mutations';
import { LANGUAGES, toLanguage } from '../../i18n';

/** E-mail, language, account settings and the two ways out. */
export function AccountMenu({ email }: { email: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const current = toLanguage(i18n.resolvedLanguage ?? i18n.language);

  const leave = async (everywhere: boolean) => {
    // Leaving on purpose: end on a plain sign-in page, without a "come back here" note.
    // (mutateAsync settles even after this menu unmounts, unlike mutate's callbacks.)
    // A failed call still re-reads the session (onSettled), which shows whether it ended.
    await signOut.mutateAsync(everywhere).catch(() => undefined);
    await navigate('/sign-in', { replace: true });
  };

  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={t('accountMenu.open')}>
          <Avatar color="blue" radius="xl" size={32}>
            {email.slice(0, 1).toUpperCase()}
          </Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('accountMenu.signedInAs')}</Menu.Label>
        {/* Plain text, not a disabled item: greyed-out text would be hard to read. */}
        <Text size="sm" fw={500} px="sm" pb={6} style={{ overflowWrap: 'anywhere' }}>
          {email}
        </Text>
        <Menu.Divider />
        <Menu.Label>{t('language.label')}</Menu.Label>
        {LANGUAGES.map((language) => (
          <Menu.Item
            key={language}
            lang={language === 'zh' ? 'zh-CN' : 'en'}
            fw={language === current ? 700 : undefined}
            aria-current={language === current ? 'true' : undefined}
            onClick={() => void i18n.changeLanguage(language)}
          >
            {t(`language.${language}`)}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item onClick={() => navigate('/account')}>{t('accountMenu.settings')}</Menu.Item>
        <Menu.Item onClick={() => void leave(false)}>{t('accountMenu.signOut')}</Menu.Item>
        <Menu.Item color="red" onClick={() => void leave(true)}>
          {t('accountMenu.signOutEverywhere')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
