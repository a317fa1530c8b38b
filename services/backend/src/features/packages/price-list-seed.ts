import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { z } from 'zod';
import type { Config } from '../../infra/config.js';
import type { Logger } from '../../infra/logger.js';
import { insertPackage } from './package-store.js';
import { newPackage } from './package-schemas.js';

const SEED = 'price-list';

/** A price list file: a JSON array of packages, each what POST /api/admin/packages takes. */
const priceList = z.array(newPackage).max(100);

/** The packages of a price list file, checked as the admin API checks a new package; throws naming the file and each problem. */
export async function readPriceList(file: string) {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`SEED_PRICE_LIST ${file}: ${(err as Error).message}`);
  }
  const parsed = priceList.safeParse(json);
  if (!parsed.success) {
    throw new Error(`SEED_PRICE_LIST ${file}: ${parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * Puts the price list of `file` on sale, once per database: the data_seeds row is written in
 * the same transaction, so a later run (every restart migrates) adds nothing, and packages
 * the operator edited, retired or deleted since stay as they are. `client` is the schema's
 * owner. Answers the names of the packages it added (none when the list was seeded before).
 */
export async function seedPriceList(client: pg.ClientBase, file: string): Promise<string[]> {
  const packages = await readPriceList(file);
  await client.query('BEGIN');
  try {
    // Two backends migrating at once: the second waits here for the first to commit, then finds the row.
    const first = await client.query('INSERT INTO data_seeds (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING name', [SEED]);
    const added: string[] = [];
    if (first.rowCount === 1) for (const p of packages) added.push((await insertPackage(client, p)).name);
    await client.query('COMMIT');
    return added;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * After the migrations, as the schema's owner (DATABASE_OWNER_URL, else DATABASE_URL): the
 * price list of SEED_PRICE_LIST, when it is set and was never seeded into this database.
 */
export async function seedConfiguredPriceList(db: Pick<Config['db'], 'primaryUrl' | 'ownerUrl' | 'seedPriceList'>, logger: Logger): Promise<void> {
  if (!db.seedPriceList) return;
  const client = new pg.Client({ connectionString: db.ownerUrl ?? db.primaryUrl });
  await client.connect();
  try {
    const added = await seedPriceList(client, db.seedPriceList);
    if (added.length) logger.info({ packages: added, file: db.seedPriceList }, 'price list seeded: on sale now');
  } finally {
    await client.end();
  }
}
