import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey } from '@codex-gateway/backend';

export interface StackSecrets {
  dbPassword: string;
  adminToken: string;
  keyPepper: string;
  demoApiKey: string;
  stripeWebhookSecret: string;
  epayPid: string;
  epayKey: string;
}

/** Generated once per stack directory and kept (mode 600), so data survives restarts. */
export function loadSecrets(stackDir: string): StackSecrets {
  const file = path.join(stackDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StackSecrets;
  const hex = (n: number) => randomBytes(n).toString('hex');
  const secrets: StackSecrets = {
    dbPassword: hex(16),
    adminToken: `adm-${hex(24)}`,
    keyPepper: hex(32),
    demoApiKey: generateApiKey().key,
    stripeWebhookSecret: `whsec_${hex(24)}`,
    epayPid: String(1000 + randomInt(9000)),
    epayKey: hex(16),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
