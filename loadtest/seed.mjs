#!/usr/bin/env node
// Seeds a tier's customers through the admin API of the running stack, in bulk:
// one unlimited package, then per user: POST /users, grant the package, issue a key.
// Writes the tier's payload file, data/keys-<users>.csv (one key per row, shuffled), and
// data/keys-<users>.json describing it, so the next run on the same stack reuses the keys
// instead of adding another few thousand users (--reseed forces new ones).
//
//   node seed.mjs --tier 100 --stack ../.stack/stack.json [--users N] [--concurrency 20]
//                 [--max-seconds 150] [--reseed]
//
// The number of users comes from tiers/<tier>.yml (config.capacity.users) unless --users
// or LOADTEST_USERS says otherwise. Seeding stops at --max-seconds with the users made so
// far (a warning, and the count in seed-<tier>.json is what the summary reports).
import { createHash, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { args } from './args.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function readTier(tier) {
  const file = path.join(here, 'tiers', `${tier}.yml`);
  const load = yaml.safeLoad ?? yaml.load;
  return load(readFileSync(file, 'utf8'));
}

const opt = args(process.argv.slice(2));
const tier = String(opt.tier ?? '20');
const tierConfig = readTier(tier).config;
const users = Number(opt.users ?? process.env.LOADTEST_USERS ?? tierConfig.capacity.users);
const concurrency = Number(opt.concurrency ?? 20);
const maxSeconds = Number(opt['max-seconds'] ?? 150);
const stackFile = path.resolve(String(opt.stack ?? path.join(here, '..', '.stack', 'stack.json')));
if (!Number.isInteger(users) || users < 1) throw new Error(`bad number of users: ${users}`);

const stack = JSON.parse(readFileSync(stackFile, 'utf8'));
const gateway = stack.gatewayUrl;
const fingerprint = createHash('sha256')
  .update(`${stack.adminToken}\n${stack.postgres?.primaryUrl ?? ''}`)
  .digest('hex')
  .slice(0, 16);
const dataDir = path.join(here, 'data');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const csvFile = path.resolve(here, tierConfig.payload.path);
// Named after the key file, so tiers with the same payload (500 and 1k) share one seeding.
const metaFile = csvFile.replace(/\.csv$/, '.json');

const DAY = 86_400_000;
const PACKAGE_DAYS = 30;

async function call(method, p, body, auth = stack.adminToken) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const res = await fetch(`${gateway}${p}`, {
        method,
        headers: { authorization: `Bearer ${auth}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.ok) return text ? JSON.parse(text) : {};
      // 5xx and 429 are retried a few times; anything else is a mistake worth stopping for.
      if ((res.status < 500 && res.status !== 429) || attempt >= 4) {
        const err = new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
        err.status = res.status;
        throw err;
      }
    } catch (err) {
      if (err.status || attempt >= 4) throw err;
    }
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}

/** The keys of the previous seeding of this tier, if they still work on this stack. */
async function reusable() {
  if (opt.reseed || !existsSync(metaFile) || !existsSync(csvFile)) return undefined;
  let meta;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (meta.fingerprint !== fingerprint || meta.gatewayUrl !== gateway || meta.requested !== users) return undefined;
  if (Date.parse(meta.valid_until) < Date.now() + DAY) return undefined;
  const keys = readFileSync(csvFile, 'utf8').split('\n').filter(Boolean);
  if (keys.length !== meta.users) return undefined;
  // A handful of keys must still be accepted, with the package in effect (a --fresh
  // stack with the same secrets would fail here).
  for (let i = 0; i < 5; i += 1) {
    try {
      const usage = await call('GET', '/v1/usage', undefined, keys[randomInt(keys.length)]);
      if (!usage.package) return undefined;
    } catch {
      return undefined;
    }
  }
  return meta;
}

async function seed() {
  const runId = Date.now().toString(36);
  const started = Date.now();
  const deadline = started + maxSeconds * 1000;
  const pkg = await call('POST', '/api/admin/packages', {
    name: `loadtest-${tier}-${runId}`,
    description: 'Unlimited package of the capacity tests (loadtest/)',
    daily_request_limit: null,
    daily_token_limit: null,
    duration_days: PACKAGE_DAYS,
    price_cents: 0,
    currency: 'USD',
  });
  const keys = [];
  let next = 0;
  let failed = 0;
  let timedOut = false;
  let lastReport = started;
  const worker = async () => {
    while (next < users) {
      if (Date.now() > deadline) {
        timedOut = true;
        return;
      }
      const i = (next += 1);
      try {
        const user = await call('POST', '/api/admin/users', { email: `lt-${tier}-${runId}-${i}@loadtest.example.com` });
        await call('POST', `/api/admin/users/${user.id}/packages`, { package_id: pkg.id });
        const { key } = await call('POST', `/api/admin/users/${user.id}/api-keys`, { name: `loadtest-${tier}` });
        keys.push(key);
      } catch (err) {
        failed += 1;
        if (failed <= 3) console.error(`  seed: ${err.message}`);
        if (failed > Math.max(10, users * 0.01)) throw new Error(`seeding failed ${failed} times; stopping`);
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        const s = (lastReport - started) / 1000;
        console.log(`  seed: ${keys.length}/${users} users in ${s.toFixed(0)} s (${(keys.length / s).toFixed(0)} users/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, users) }, worker));
  const seconds = (Date.now() - started) / 1000;
  if (timedOut) console.warn(`  seed: WARNING stopped after ${maxSeconds} s with ${keys.length} of ${users} users; the test runs with those.`);
  if (keys.length === 0) throw new Error('no user could be seeded');

  // Fisher-Yates with crypto randomness: rows in random order.
  for (let i = keys.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  writeFileSync(`${csvFile}.tmp`, `${keys.join('\n')}\n`, { mode: 0o600 });
  renameSync(`${csvFile}.tmp`, csvFile);
  const meta = {
    tier,
    gatewayUrl: gateway,
    fingerprint,
    requested: users,
    users: keys.length,
    failed,
    package_id: pkg.id,
    concurrency,
    seconds: Math.round(seconds * 10) / 10,
    users_per_second: Math.round(keys.length / seconds),
    created_at: new Date(started).toISOString(),
    valid_until: new Date(started + (PACKAGE_DAYS - 1) * DAY).toISOString(),
    reused: false,
  };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`, { mode: 0o600 });
  console.log(
    `  seed: ${keys.length} users, one package (${pkg.id}) and one key each in ${meta.seconds} s (${meta.users_per_second} users/s, ${concurrency} in flight) → ${path.relative(process.cwd(), csvFile)}`,
  );
  return meta;
}

const previous = await reusable();
if (previous) {
  writeFileSync(metaFile, `${JSON.stringify({ ...previous, reused: true }, null, 2)}\n`, { mode: 0o600 });
  console.log(`  seed: reusing the ${previous.users} users seeded at ${previous.created_at} for tier ${previous.tier} (--reseed for new ones)`);
} else {
  console.log(`  seed: creating ${users} users with an unlimited package and a key each (${concurrency} in flight, at most ${maxSeconds} s)…`);
  await seed();
}
