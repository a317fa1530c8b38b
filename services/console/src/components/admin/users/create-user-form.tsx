import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateUser } from '../../../hooks/api/admin/users/mutations';
import type { UserView } from '../../../hooks/api/admin/users/types';
import { validate } from '../../../lib/form-validation';
import { FormCard } from '../../common/form-card';
import { EmailField } from '../../common/email-field';

/** An account by e-mail address, without a password (a reset mail lets the person choose one). */
export function CreateUserForm({ onCreated }: { onCreated: (user: UserView) => void }) {
  const { t } = useTranslation('admin');
  const create = useCreateUser();
  const [email, setEmail] = useState('');
  const [invalid, setInvalid] = useState(false);

  const submit = async () => {
    const checked = await validate('newUserRequest', { email });
    setInvalid(checked.data === null);
    if (checked.data) create.mutate(checked.data, { onSuccess: onCreated });
  };

  return (
    <FormCard
      title={t('users.createTitle')}
      submitLabel={t('users.create')}
      pending={create.isPending}
      error={create.error}
      onSubmit={() => void submit()}
      hint={t('users.createHint')}
    >
      <div style={{ flex: '1 1 260px', maxWidth: 360 }}>
        <EmailField value={email} onChange={setEmail} invalid={invalid} />
      </div>
    </FormCard>
  );
}
