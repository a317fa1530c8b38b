import { Anchor, Group } from '@mantine/core';
import { Link } from 'react-router';

/** Links to the other Operations pages that hold more about the thing on this page (its audit entries, its requests…). */
export function RelatedLinks({ links, label }: { links: Array<{ to: string; label: string; testId?: string }>; label: string }) {
  return (
    <Group gap="md" component="nav" aria-label={label} data-testid="related-links">
      {links.map((link) => (
        <Anchor key={link.to} component={Link} to={link.to} size="sm" fw={600} data-testid={link.testId}>
          {link.label}
        </Anchor>
      ))}
    </Group>
  );
}
