// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderInApp } from '../../test/render';
import { AuthCodeField, isAuthCode } from './auth-code-field';
import { CurrentPasswordField, NewPasswordField } from './password-field';

function Code({ invalid = false }: { invalid?: boolean }) {
  const [code, setCode] = useState('');
  return <AuthCodeField value={code} onChange={setCode} invalid={invalid} />;
}

describe('the authenticator code field', () => {
  it('keeps the digits of a code typed in groups, and offers the phone’s one-time code', async () => {
    const user = userEvent.setup({ delay: null });
    renderInApp(<Code />);
    const field = screen.getByRole('textbox', { name: /authentication code/i });
    await user.type(field, '12 34 56');
    expect(field).toHaveProperty('value', '123456');
    expect(field.getAttribute('autocomplete')).toBe('one-time-code');
    expect(field.getAttribute('inputmode')).toBe('numeric');
  });

  it('says what a code looks like when it was refused', () => {
    renderInApp(<Code invalid />);
    expect(screen.getByText('Enter the 6-digit code from your authenticator app.')).toBeTruthy();
  });

  it('takes six digits and nothing else', () => {
    expect(isAuthCode('123456')).toBe(true);
    expect(isAuthCode(' 123456 ')).toBe(true);
    expect(isAuthCode('12345')).toBe(false);
    expect(isAuthCode('12345a')).toBe(false);
  });
});

function Typed() {
  const [value, setValue] = useState('');
  return (
    <>
      <CurrentPasswordField label="Password" value={value} onChange={setValue} invalid={false} />
      <output>{value}</output>
    </>
  );
}

describe('the password fields', () => {
  it('a current password is the saved one and is refused only when missing', () => {
    renderInApp(<CurrentPasswordField label="Password" value="" onChange={() => undefined} invalid />);
    const field = screen.getByLabelText(/^Password/);
    expect(field.getAttribute('autocomplete')).toBe('current-password');
    expect(screen.getByText('This field is required.')).toBeTruthy();
    expect(screen.queryByText('At least 10 characters.')).toBeNull();
  });

  it('a new password names the length rule, before and after a refusal', () => {
    renderInApp(<NewPasswordField label="New password" value="" onChange={() => undefined} invalid />);
    const field = screen.getByLabelText(/^New password/);
    expect(field.getAttribute('autocomplete')).toBe('new-password');
    expect(screen.getByText('At least 10 characters.')).toBeTruthy();
    expect(screen.getByText('Use 10 to 256 characters.')).toBeTruthy();
  });

  it('hands the typed text on', async () => {
    const user = userEvent.setup({ delay: null });
    renderInApp(<Typed />);
    await user.type(screen.getByLabelText(/^Password/), 'secret words');
    expect(screen.getByRole('status').textContent).toBe('secret words');
  });
});
