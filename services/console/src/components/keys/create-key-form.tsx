import { TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateApiKey } from '../../hooks/api/keys/mutations';
import type { CreatedApiKey } from '../../hooks/api/keys/types';
import { addDays, endOfLocalDay, localToday } from '../../lib/dates';
import { validate } from '../../lib/form-validation';
import { FormCard } from '../common/form-card';

/** Name and optional expiry day; the created key (with its one-time secret) goes to `onCreated`. */
export function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const { t } = useTranslation();
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [invalid, setInvalid] = useState(new Set<string>());
  const tomorrow = addDays(localToday(), 1);

  const submit = async () => {
    // The key works through the whole chosen day in the person's own time zone.
    const values = { name, expires_at: expiresOn ? endOfLocalDay(expiresOn) : null };
    const checked = await validate('createKeyRequest', values);
    const invalid = checked.invalid ?? new Set<string>();
    if (expiresOn && expiresOn < tomorrow) invalid.add('expires_at');
    setInvalid(invalid);
    if (!checked.data || invalid.size > 0) return;
    create.mutate(checked.data, {
      onSuccess: (created) => {
        setName('');
        setExpiresOn('');
        onCreated(created);
      },
    });
  };

  return (
    <FormCard title={t('keys.createTitle')} submitLabel={t('keys.create')} pending={create.isPending} error={create.error} onSubmit={() => void submit()}>
      <TextInput
        label={t('fields.name')}
        required
        maxLength={100}
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
        error={invalid.has('name') ? t('validation.keyName') : undefined}
        w={{ base: '100%', sm: 280 }}
      />
      <TextInput
        label={t('fields.expiresOn')}
        type="date"
        min={tomorrow}
        value={expiresOn}
        onChange={(event) => setExpiresOn(event.currentTarget.value)}
        error={invalid.has('expires_at') ? t('validation.futureDay') : undefined}
        w={{ base: '100%', sm: 200 }}
      />
    </FormCard>
  );
}
