import { Badge, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ModelView } from '../../../hooks/api/admin/models/types';
import type { AdminPackageView } from '../../../hooks/api/admin/packages/types';
import { useFormat } from '../../../lib/format';
import { statusColor } from '../../../lib/status-colors';
import { TableHead } from '../../common/table-head';
import { RowActions } from '../../common/row-actions';

const TOP = { verticalAlign: 'top' } as const;
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Whether a name of a package's model list covers a catalogue entry (either may end in '*': a family). */
function covers(listed: string, entry: string): boolean {
  if (listed === entry) return true;
  if (listed.endsWith('*')) return entry.startsWith(listed.slice(0, -1));
  if (entry.endsWith('*')) return listed.startsWith(entry.slice(0, -1));
  return false;
}

/** The packages that include the model: first those that list it (or its family), then those without a list (every model). */
export function packagesWith(model: string, packages: AdminPackageView[]): AdminPackageView[] {
  const listing = packages.filter((pkg) => pkg.models.some((listed) => covers(listed, model)));
  return [...listing, ...packages.filter((pkg) => pkg.models.length === 0)];
}

interface ModelsTableProps {
  models: ModelView[];
  /** The packages on sale, to show which include each model. */
  packages: AdminPackageView[];
  /** Left out for roles that may not change the catalogue. */
  onEdit?: (model: ModelView) => void;
  onDelete?: (model: ModelView) => void;
}

/** The catalogue: prices per million tokens, whether it is offered, and the packages that include it. */
export function ModelsTable({ models, packages, onEdit, onDelete }: ModelsTableProps) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const withActions = onEdit !== undefined || onDelete !== undefined;
  return (
    <Table.ScrollContainer minWidth={withActions ? 1000 : 860}>
      <Table striped highlightOnHover verticalSpacing="sm" fz="sm">
        <TableHead
          columns={[
            t('models.columns.name'),
            { label: t('models.columns.input'), numeric: true, noWrap: true },
            { label: t('models.columns.cachedInput'), numeric: true, noWrap: true },
            { label: t('models.columns.output'), numeric: true, noWrap: true },
            { label: t('models.columns.maxOutput'), numeric: true, noWrap: true },
            t('models.columns.status'),
            t('models.columns.packages'),
            withActions && t('common.actions'),
          ]}
        />
        <Table.Tbody>
          {models.map((model) => (
            <Table.Tr key={model.name} data-testid="model-row" data-model={model.name}>
              <Table.Td style={TOP}>
                <Text ff="monospace" size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {model.name}
                </Text>
                {model.notes && (
                  <Text size="xs" c="dimmed" maw={260} lineClamp={3}>
                    {model.notes}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right" style={{ ...TOP, ...NO_WRAP }}>
                {format.usd(model.input_price)}
              </Table.Td>
              <Table.Td ta="right" style={{ ...TOP, ...NO_WRAP }}>
                {model.cached_input_price === null ? (
                  <Text span size="sm" c="dimmed">
                    {t('models.sameAsInput')}
                  </Text>
                ) : (
                  format.usd(model.cached_input_price)
                )}
              </Table.Td>
              <Table.Td ta="right" style={{ ...TOP, ...NO_WRAP }}>
                {format.usd(model.output_price)}
              </Table.Td>
              <Table.Td ta="right" style={{ ...TOP, ...NO_WRAP }}>
                {model.max_output_tokens === null ? (
                  <Text span size="sm" c="dimmed">
                    {t('models.noMaxOutput')}
                  </Text>
                ) : (
                  format.number(model.max_output_tokens)
                )}
              </Table.Td>
              <Table.Td style={TOP}>
                <Badge variant="light" color={statusColor(model.enabled ? 'enabled' : 'disabled')}>
                  {model.enabled ? t('models.enabledBadge') : t('models.disabledBadge')}
                </Badge>
              </Table.Td>
              <Table.Td style={TOP}>
                <IncludedIn included={packagesWith(model.name, packages)} total={packages.length} />
              </Table.Td>
              {withActions && (
                <Table.Td style={TOP}>
                  <RowActions
                    actions={[
                      onEdit !== undefined && {
                        label: t('models.edit'),
                        onClick: () => onEdit(model),
                        ariaLabel: t('common.actionOn', { action: t('models.edit'), name: model.name }),
                      },
                      onDelete !== undefined && {
                        label: t('models.delete'),
                        onClick: () => onDelete(model),
                        danger: true,
                        ariaLabel: t('common.actionOn', { action: t('models.delete'), name: model.name }),
                      },
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

const SHOWN = 3;

function IncludedIn({ included, total }: { included: AdminPackageView[]; total: number }) {
  const { t } = useTranslation('admin');
  if (included.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('models.noPackages')}
      </Text>
    );
  }
  if (included.length === total) {
    return (
      <Badge variant="light" color="blue">
        {t('models.allPackages')}
      </Badge>
    );
  }
  const rest = included.slice(SHOWN);
  return (
    <Stack gap={2} maw={260}>
      {included.slice(0, SHOWN).map((pkg) => (
        <Text key={pkg.id} size="sm" truncate>
          {pkg.name}
        </Text>
      ))}
      {rest.length > 0 && (
        <Tooltip label={rest.map((pkg) => pkg.name).join(', ')} multiline maw={320}>
          <Text size="xs" c="dimmed" tabIndex={0}>
            {t('models.morePackages', { count: rest.length })}
          </Text>
        </Tooltip>
      )}
    </Stack>
  );
}
