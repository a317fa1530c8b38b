import { Anchor, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { usePageTitle } from '../common/use-page-title';

interface AuthCardProps {
  title: string;
  children: ReactNode;
  /** Links under the card ("Forgot password?", "Sign up" …). */
  footer?: ReactNode;
}

/** The card every signed-out page is drawn in, with the page's h1. */
export function AuthCard({ title, children, footer }: AuthCardProps) {
  usePageTitle(title);
  return (
    <Stack gap="md">
      <Paper withBorder shadow="xs" radius="md" p={{ base: 'md', sm: 'xl' }}>
        <Stack gap="md">
          <Title order={1} size="h2">
            {title}
          </Title>
          {children}
        </Stack>
      </Paper>
      {footer && (
        <Stack gap={6} align="center">
          {footer}
        </Stack>
      )}
    </Stack>
  );
}

/** The footer line that sends a person to the other of sign-in and sign-up ("No account yet? Sign up"). */
export function AuthSwitchLink({ question, to, label }: { question: string; to: string; label: string }) {
  return (
    <Group gap={6}>
      <Text size="sm" c="dimmed">
        {question}
      </Text>
      <Anchor component={Link} to={to} size="sm">
        {label}
      </Anchor>
    </Group>
  );
}
