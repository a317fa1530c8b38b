import { NativeSelect, NumberInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateCodes } from '../../../hooks/api/admin/codes/mutations';
import type { CreatedCodes } from '../../../hooks/api/admin/codes/types';
import type { AdminPackageView } from '../../../hooks/api/admin/packages/types';
import { useFormat } from '../../../lib/format';
import { useRequestSchema, validate } from '../../../lib/form-validation';
import { fieldBounds } from '../../../lib/schema-bounds';
import { FormCard } from '../../common/form-card';

/** A named batch of single-use codes for one package; the codes go to `onCreated`. */
export function CreateCodesForm({ packages, onCreated }: { packages: AdminPackageView[]; onCreated: (created: CreatedCodes) => void }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const create = useCreateCodes();
  const [packageId, setPackageId] = useState('');
  const [count, setCount] = useState<number | string>(10);
  const [batchName, setBatchName] = useState('');
  const [invalid, setInvalid] = useState(new Set<'package' | 'count'>());
  const onSale = packages.filter((p) => p.status === 'active');
  const schema = useRequestSchema('newCodesRequest');
  const countBounds = fieldBounds(schema, 'count');

  const submit = async () => {
    const body = { package_id: packageId === '' ? null : Number(packageId), count, batch_name: batchName };
    const checked = await validate('newCodesRequest', body);
    setInvalid(new Set([...(checked.invalid ?? [])].map((field) => (field === 'package_id' ? 'package' : 'count'))));
    if (checked.data) create.mutate(checked.data, { onSuccess: onCreated });
  };

  return (
    <FormCard title={t('codes.createTitle')} submitLabel={t('codes.create')} pending={create.isPending} error={create.error} onSubmit={() => void submit()}>
      <NativeSelect
        label={t('common.package')}
        required
        value={packageId}
        onChange={(event) => setPackageId(event.currentTarget.value)}
        data={[
          { value: '', label: t('codes.choosePackage') },
          ...onSale.map((p) => ({ value: String(p.id), label: `${p.name} · ${format.money(p.price_cents, p.currency)}` })),
        ]}
        error={invalid.has('package') ? t('codes.validation.package') : undefined}
        w={{ base: '100%', sm: 300 }}
      />
      <NumberInput
        label={t('codes.count')}
        required
        min={countBounds.min}
        max={countBounds.max}
        allowDecimal={false}
        allowNegative={false}
        value={count}
        onChange={setCount}
        error={invalid.has('count') ? t('codes.validation.count', { min: countBounds.min, max: countBounds.max }) : undefined}
        w={{ base: '100%', sm: 120 }}
      />
      <TextInput
        label={t('codes.batchName')}
        maxLength={fieldBounds(schema, 'batch_name').maxLength}
        value={batchName}
        onChange={(event) => setBatchName(event.currentTarget.value)}
        w={{ base: '100%', sm: 240 }}
      />
    </FormCard>
  );
}
