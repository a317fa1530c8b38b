import { Badge, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AdminPackageView } from '../../../hooks/api/admin/packages/types';
import { useFormat } from '../../../lib/format';
import { PackageTerms } from './package-terms';
import { TableHead } from '../../common/table-head';
import { RowActions } from '../../common/row-actions';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

interface PackagesTableProps {
  packages: AdminPackageView[];
  /** Left out for roles that may not change packages. */
  onEdit?: (pkg: AdminPackageView) => void;
  onRetire?: (pkg: AdminPackageView) => void;
}

/** On sale, grant only (priced 0: never sold, whatever its status) or off sale. */
function SaleBadge({ pkg }: { pkg: AdminPackageView }) {
  const { t } = useTranslation('admin');
  if (pkg.status !== 'active') {
    return (
      <Badge variant="light" color="gray">
        {t('packages.offSaleBadge')}
      </Badge>
    );
  }
  if (pkg.grant_only) {
    return (
      <Tooltip label={t('packages.grantOnlyHint')} multiline w={260}>
        <Badge variant="light" color="blue" data-testid="grant-only-badge">
          {t('packages.grantOnlyBadge')}
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Badge variant="light" color="teal">
      {t('packages.onSaleBadge')}
    </Badge>
  );
}

/** Every package with its price, terms and whether it is on sale. */
export function PackagesTable({ packages, onEdit, onRetire }: PackagesTableProps) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const withActions = onEdit !== undefined || onRetire !== undefined;
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover verticalSpacing="sm" fz="sm" style={NO_WRAP}>
        <TableHead
          columns={[
            t('packages.columns.id'),
            t('packages.columns.name'),
            { label: t('packages.columns.price'), numeric: true },
            t('packages.columns.terms'),
            { label: t('packages.columns.duration'), numeric: true },
            t('packages.columns.status'),
            withActions && t('common.actions'),
          ]}
        />
        <Table.Tbody>
          {packages.map((pkg) => (
            <Table.Tr key={pkg.id} data-testid="admin-package-row">
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {pkg.id}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {pkg.name}
                </Text>
                {pkg.description && (
                  <Text size="xs" c="dimmed" truncate maw={240}>
                    {pkg.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right">{format.money(pkg.price_cents, pkg.currency)}</Table.Td>
              <Table.Td>
                <PackageTerms pkg={pkg} />
              </Table.Td>
              <Table.Td ta="right">{pkg.duration_days}</Table.Td>
              <Table.Td>
                <SaleBadge pkg={pkg} />
              </Table.Td>
              {withActions && (
                <Table.Td>
                  <RowActions
                    actions={[
                      onEdit !== undefined && { label: t('packages.edit'), onClick: () => onEdit(pkg) },
                      onRetire !== undefined && pkg.status === 'active' && { label: t('packages.retire'), onClick: () => onRetire(pkg), danger: true },
                    ]}
                  />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
