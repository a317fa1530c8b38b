import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey } from '@codex-gateway/backend';

export interface StackSecrets {
  /** The owner role's (gateway): migrations and tools. */
  dbPassword: string;
  /** The application role's (gateway_app): what the backends connect as. */
  dbAppPassword: string;
  /** The replication role's (replicator): what the replica streams as. */
  dbReplicationPassword: string;
  adminToken: string;
  keyPepper: string;
  demoApiKey: string;
  stripeWebhookSecret: string;
  epayPid: string;
  epayKey: string;
  /** The demo customer's console password (demo@codex-gateway.local). */
  demoPassword: string;
}

const hex = (n: number) => randomBytes(n).toString('hex');

/** Long enough for the console's rules (10+ characters), short enough to type. */
const newPassword = () => `demo-${hex(6)}`;

/** Secrets added after a stack directory was made: a file without them gains them. */
const LATER = { dbAppPassword: () => hex(16), dbReplicationPassword: () => hex(16), demoPassword: newPassword } as const;

/**
 * Generated once per stack directory and kept (mode 600), so data survives restarts. A file
 * written before a secret existed gains it, and is written again.
 */
export function loadSecrets(stackDir: string): StackSecrets {
  const file = path.join(stackDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSecrets>;
    const missing = Object.entries(LATER).filter(([name]) => !stored[name as keyof StackSecrets]);
    const secrets = { ...stored, ...Object.fromEntries(missing.map(([name, make]) => [name, make()])) } as StackSecrets;
    if (missing.length) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
  const secrets: StackSecrets = {
    dbPassword: hex(16),
    dbAppPassword: hex(16),
    dbReplicationPassword: hex(16),
    adminToken: `adm-${hex(24)}`,
    keyPepper: hex(32),
    demoApiKey: generateApiKey().key,
    stripeWebhookSecret: `whsec_${hex(24)}`,
    epayPid: String(1000 + randomInt(9000)),
    epayKey: hex(16),
    demoPassword: newPassword(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
