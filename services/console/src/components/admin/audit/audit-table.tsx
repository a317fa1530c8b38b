import { Anchor, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AuditEntryView } from '../../../hooks/api/admin/audit/types';
import { useFormat } from '../../../lib/format';
import { RoleBadge } from '../common/badges';
import { JsonDiff } from './json-diff';

const NO_WRAP = { whiteSpace: 'nowrap', verticalAlign: 'top' } as const;
const TOP = { verticalAlign: 'top' } as const;

/** Where a target can be looked at in the console, if anywhere. */
function targetPath(entry: AuditEntryView): string | null {
  switch (entry.target_type) {
    case 'user':
      return `/admin/users/${entry.target_id}`;
    case 'order':
      return `/admin/orders/${entry.target_id}`;
    case 'package':
      return '/admin/packages';
    case 'redemption_batch':
      return `/admin/codes?${new URLSearchParams({ batch: entry.target_id })}`;
    default:
      return null;
  }
}

/** Audit entries, newest first: when, who (and as which role), what, on what, and the change. */
export function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  if (entries.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="sm">
        {t('audit.empty')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.columns.time')}</Table.Th>
            <Table.Th>{t('audit.columns.actor')}</Table.Th>
            <Table.Th>{t('audit.columns.action')}</Table.Th>
            <Table.Th w="40%">{t('audit.columns.change')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => {
            const path = targetPath(entry);
            const target = `${entry.target_type} ${entry.target_id}`;
            return (
              <Table.Tr key={entry.id} data-testid="audit-row">
                <Table.Td style={NO_WRAP}>
                  <Text size="sm">{format.dateTime(entry.at)}</Text>
                  {entry.address && (
                    <Text size="xs" c="dimmed" ff="monospace" title={t('audit.columns.address')}>
                      {entry.address}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td style={TOP}>
                  <Stack gap={2} align="flex-start">
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {entry.actor}
                    </Text>
                    <RoleBadge role={entry.role} />
                  </Stack>
                </Table.Td>
                <Table.Td style={TOP}>
                  <Text ff="monospace" size="sm" fw={600}>
                    {entry.action}
                  </Text>
                  <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                    {path ? (
                      <Anchor component={Link} to={path} size="xs">
                        {target}
                      </Anchor>
                    ) : (
                      target
                    )}
                  </Text>
                </Table.Td>
                <Table.Td style={TOP}>
                  <JsonDiff before={entry.before} after={entry.after} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
