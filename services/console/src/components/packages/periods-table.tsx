import { Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PeriodView } from '../../hooks/api/packages/types';
import { useFormat } from '../../lib/format';
import { statusColor } from '../../lib/status-colors';

// Cells keep to one line; the scroll container lets a wide table scroll sideways on a phone,
// with the package and its status first so that a phone shows them without scrolling.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Periods (queued or past) with where they came from. */
export function PeriodsTable({ periods, empty }: { periods: PeriodView[]; empty: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (periods.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped style={NO_WRAP}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('periods.package')}</Table.Th>
            <Table.Th>{t('periods.status')}</Table.Th>
            <Table.Th>{t('periods.start')}</Table.Th>
            <Table.Th>{t('periods.end')}</Table.Th>
            <Table.Th>{t('periods.source')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {periods.map((period) => (
            <Table.Tr key={period.id} data-testid="period-row" data-status={period.status}>
              <Table.Td>{period.package_name}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={statusColor(period.status)} data-testid="period-status">
                  {t(`periods.statuses.${period.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{format.day(period.start_date)}</Table.Td>
              <Table.Td>{format.day(period.end_date)}</Table.Td>
              <Table.Td>{t(`periods.sources.${period.source}`, { orderNo: period.order_no ?? '' })}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
