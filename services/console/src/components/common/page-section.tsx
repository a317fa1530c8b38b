import { Grid, Group, Paper, type PaperProps, Stack, Text, Title } from '@mantine/core';
import type { CSSProperties, ReactNode } from 'react';

interface SectionProps {
  /** The section's h2. */
  title: string;
  /** A line under the title saying what the section holds. */
  intro?: ReactNode;
  children: ReactNode;
}

/** A part of a page under its h2; `boxed` frames the content, as for a list with its filters. */
export function PageSection({ title, intro, boxed = false, children }: SectionProps & { boxed?: boolean }) {
  return (
    <Stack gap="xs">
      <div>
        <Title order={2} size="h4">
          {title}
        </Title>
        {intro && (
          <Text size="sm" c="dimmed">
            {intro}
          </Text>
        )}
      </div>
      {boxed ? <ListPanel>{children}</ListPanel> : children}
    </Stack>
  );
}

/** The frame of a list and what filters or loads it; narrow on a phone, where width is scarce. */
export function ListPanel({ children }: { children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p={{ base: 'xs', sm: 'md' }}>
      <Stack gap="md">{children}</Stack>
    </Paper>
  );
}

interface SectionCardProps extends SectionProps {
  /** Beside the title: a state badge. */
  extra?: ReactNode;
  /** The anchor other pages link to (#two-factor). */
  id?: string;
  style?: CSSProperties;
  /** 'flex-start' keeps buttons at their own width. */
  align?: 'flex-start';
}

/** A section of a settings page in a card of its own: the h2, perhaps a badge and an intro, then the content. */
export function SectionCard({ title, intro, extra, id, style, align, children }: SectionCardProps) {
  const heading = (
    <Title order={2} size="h4">
      {title}
    </Title>
  );
  return (
    <Paper withBorder p="md" radius="md" id={id} style={style}>
      <Stack gap="sm" align={align}>
        {extra ? (
          <Group gap="xs">
            {heading}
            {extra}
          </Group>
        ) : (
          heading
        )}
        {intro && (
          <Text size="sm" c="dimmed">
            {intro}
          </Text>
        )}
        {children}
      </Stack>
    </Paper>
  );
}

interface PanelCardProps {
  title: string;
  /** 3 under a section's own h2. */
  level?: 2 | 3;
  /** Beside the title: a count. */
  extra?: ReactNode;
  /** Narrow on a phone unless given. */
  p?: PaperProps['p'];
  children: ReactNode;
}

/** A card holding one table or list under its heading, as tall as its neighbour in a row of cards. */
export function PanelCard({ title, level = 2, extra, p = { base: 'xs', sm: 'md' }, children }: PanelCardProps) {
  const heading = (
    <Title order={level} size={level === 2 ? 'h4' : 'h5'} mb={extra ? undefined : 'sm'}>
      {title}
    </Title>
  );
  return (
    <Paper withBorder p={p} radius="md" h="100%">
      {extra ? (
        <Group gap="xs" mb="sm">
          {heading}
          {extra}
        </Group>
      ) : (
        heading
      )}
      {children}
    </Paper>
  );
}

/** Two cards side by side on a wide screen, one above the other on a narrow one. */
export function TwoColumns({ children }: { children: [ReactNode, ReactNode] }) {
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 6 }}>{children[0]}</Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>{children[1]}</Grid.Col>
    </Grid>
  );
}
