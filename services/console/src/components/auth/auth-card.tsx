import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
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
