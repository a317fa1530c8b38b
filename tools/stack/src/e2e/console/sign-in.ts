import jsQRModule from 'jsqr';
import { Secret, TOTP, URI } from 'otpauth';
import { PNG } from 'pngjs';
import type { Page } from '../../browser.js';

// A CommonJS module with an ES default export: the function is its `default`.
const jsQR = jsQRModule.default;

/** What a phone's camera reads from the QR code on the page. */
export async function scanQr(page: Page): Promise<string | undefined> {
  const image = PNG.sync.read(await page.getByTestId('totp-qr').screenshot());
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
}

/** The authenticator app: the code `steps` 30-second steps from now (each code is accepted once). */
export const codeOf = (secret: string, steps = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });

export async function signIn(page: Page, email: string, password: string, totpSecret?: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (totpSecret) {
    await page.getByLabel('Authentication code').fill(codeOf(totpSecret, 1));
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

/**
 * Turns on two-factor sign-in on the Account page as a person does: the password, the secret
 * (scanned from its QR code, and checked against the text beside it), a first code, then the recovery codes, kept, which leads to the
 * Operations overview. Answers the secret
 * (sign in again with `codeOf(secret, 1)`: the code of now was used) and the recovery codes.
 */
export async function enrolTwoFactor(page: Page, password: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.goto('/account');
  await page.getByLabel('Your password').fill(password);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  // The authenticator app scans the QR code; the secret printed beside it is the same one.
  const scanned = await scanQr(page);
  if (!scanned) throw new Error('the QR code on the Account page does not scan');
  const secret = URI.parse(scanned).secret.base32;
  const shown = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
  if (shown !== secret) throw new Error(`the secret shown (${shown}) is not the QR code's (${secret})`);
  await page.getByLabel('Authentication code').fill(codeOf(secret));
  await page.getByRole('button', { name: 'Enable' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  const recoveryCodes = await page.getByTestId('recovery-codes').locator('code').allTextContents();
  await page.getByRole('button', { name: 'I have saved them' }).click();
  // Enrolled staff go on to the Operations overview, which now answers them.
  await page.getByRole('heading', { name: 'Operations overview', level: 1 }).waitFor();
  return { secret, recoveryCodes };
}
