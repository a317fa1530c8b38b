import { Box, Container, Group } from '@mantine/core';
import { type ReactNode, Suspense } from 'react';
import { Outlet } from 'react-router';
import { PageLoader } from '../common/page-loader';
import { Brand } from './brand';
import { LanguageSelect } from './language-select';

/** The frame of the signed-out pages: the name, the language switch and a narrow column. */
export function PublicFrame({ children }: { children: ReactNode }) {
  return (
    <Box mih="100dvh" bg="gray.0">
      <Box component="header" bg="white" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Container size="lg" py="sm">
          <Group justify="space-between" wrap="nowrap">
            <Brand />
            <LanguageSelect />
          </Group>
        </Container>
      </Box>
      <Container component="main" id="main" size={480} py={{ base: 'lg', sm: 48 }} px="md">
        {children}
      </Container>
    </Box>
  );
}

/** PublicFrame as a route layout (sign-in, sign-up, links from mails, payment return). */
export function PublicLayout() {
  return (
    <PublicFrame>
      <Suspense fallback={<PageLoader />}>
        <Outlet />
      </Suspense>
    </PublicFrame>
  );
}
