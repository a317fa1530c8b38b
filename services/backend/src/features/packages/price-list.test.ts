import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, testStack, withScratchDatabase } from '@codex-gateway/stack/testing';
import { createLogger } from '../../infra/logger.js';
import { runMigrations } from '../../infra/migrate.js';
import { readPriceList, seedPriceList } from './price-list-seed.js';

const stack = testStack();
const admin = adminApi(stack);
const PRICE_LIST = new URL('../../../../../deploy/seed/price-list.json', import.meta.url).pathname;

interface Sold {
  id: number;
  name: string;
  price_cents: number;
  currency: string;
  models: string[];
  [limit: string]: unknown;
}

describe('the price list a new stack sells', () => {
  test('Starter and Pro are on sale in USD (card, Stripe) and in CNY (EPay), limited in requests and credits over models the catalogue prices', async () => {
    const { client } = await signedUpPerson(stack);
    const catalog = (await client.call('GET', '/catalog')).body as { packages: Sold[]; providers: Array<{ name: string; currencies: string[] | null }> };
    const seeded = JSON.parse(readFileSync(PRICE_LIST, 'utf8')) as Array<{ name: string }>;
    assert.deepEqual(
      seeded.map((p) => p.name),
      ['Starter', 'Pro', 'Starter (CNY)', 'Pro (CNY)'],
    );
    const priced = new Set(((await admin.call('GET', '/models')).body as Array<{ name: string }>).map((m) => m.name));
    const takes = (currency: string) => catalog.providers.filter((p) => p.currencies === null || p.currencies.includes(currency)).map((p) => p.name);
    for (const name of seeded.map((p) => p.name)) {
      const sold = catalog.packages.filter((p) => p.name === name);
      assert.equal(sold.length, 1, `${name} is on sale once`);
      const pkg = sold[0]!;
      assert.ok(pkg.price_cents > 0, name);
      for (const limit of [
        'daily_request_limit',
        'daily_credit_limit',
        'five_hour_request_limit',
        'five_hour_credit_limit',
        'weekly_request_limit',
        'weekly_credit_limit',
      ]) {
        assert.equal(typeof pkg[limit], 'number', `${name}: ${limit}`);
      }
      assert.ok((pkg.weekly_credit_limit as number) > 0 && (pkg.daily_credit_limit as number) <= (pkg.weekly_credit_limit as number), `${name}: credits`);
      assert.ok(pkg.models.length > 0, `${name} names its models`);
      for (const model of pkg.models) assert.ok(priced.has(model), `${name}: ${model} is in the model catalogue`);
      if (name.endsWith('(CNY)')) {
        assert.equal(pkg.currency, 'CNY');
        assert.ok(takes('CNY').includes('epay'), `${name} can be paid with EPay`);
      } else {
        assert.equal(pkg.currency, 'USD');
        assert.deepEqual(takes('USD'), ['stripe'], `${name} is paid by card`);
      }
    }
  });

  test('the demo package is a grant: labelled grant only for staff, never in the catalogue, and no order can buy it', async () => {
    const packages = (await admin.call('GET', '/packages')).body as Array<Sold & { status: string; grant_only: boolean }>;
    const demo = packages.find((p) => p.name === 'Demo (local stack)');
    assert.ok(demo, 'the local stack seeds its demo package');
    assert.equal(demo.price_cents, 0);
    assert.equal(demo.grant_only, true);
    for (const p of packages.filter((x) => x.price_cents > 0)) assert.equal(p.grant_only, false, p.name);

    const { client } = await signedUpPerson(stack);
    assert.ok(!(await client.call('GET', '/catalog')).body.packages.some((p: Sold) => p.id === demo.id));
    const order = await client.call('POST', '/orders', { package_id: demo.id, provider: 'stripe' });
    assert.equal(order.status, 404);
    assert.equal(order.body.error.code, 'package_not_found');
  });

  test('the price list is seeded once per database: backends starting together add it once, and what the operator changed stays', async () => {
    await withScratchDatabase(`price_list_${process.pid}`, async (url) => {
      await runMigrations(url, createLogger({ logLevel: 'silent', instanceId: 'price-list-test' }));
      const clients = await Promise.all(
        [1, 2, 3].map(async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          return c;
        }),
      );
      try {
        const [db] = clients as [pg.Client];
        // Three backends migrating at once: one of them seeds.
        const added = await Promise.all(clients.map((c) => seedPriceList(c, PRICE_LIST)));
        assert.deepEqual(added.flat().sort(), ['Pro', 'Pro (CNY)', 'Starter', 'Starter (CNY)']);
        const onSale = async () =>
          (await db.query(`SELECT name FROM packages WHERE status = 'active' AND price_cents > 0 ORDER BY name`)).rows.map((r) => r.name);
        assert.deepEqual(await onSale(), ['Pro', 'Pro (CNY)', 'Starter', 'Starter (CNY)']);

        // The operator retires one and reprices another; every later start finds the seed done.
        await db.query(`UPDATE packages SET status = 'archived' WHERE name = 'Starter (CNY)'`);
        await db.query(`UPDATE packages SET price_cents = 1499 WHERE name = 'Starter'`);
        assert.deepEqual(await seedPriceList(db, PRICE_LIST), []);
        assert.deepEqual(await onSale(), ['Pro', 'Pro (CNY)', 'Starter']);
        assert.equal((await db.query(`SELECT price_cents::int AS price_cents FROM packages WHERE name = 'Starter'`)).rows[0].price_cents, 1499);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });
  });

  test('a price list entry the admin API would refuse is refused by the seed, naming the entry and the field', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'price-list-')), 'price-list.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'Fine', daily_request_limit: 10, daily_token_limit: null, duration_days: 30, price_cents: 100, currency: 'USD' },
        { name: 'Broken', daily_request_limit: 10, daily_token_limit: null, duration_days: 30, price_cents: -1, currency: 'USD' },
      ]),
    );
    await assert.rejects(readPriceList(file), /price-list\.json: \[1\.price_cents\]/);
    writeFileSync(file, '{ not json');
    await assert.rejects(readPriceList(file), /SEED_PRICE_LIST .*price-list\.json/);
    assert.equal((await readPriceList(PRICE_LIST)).length, 4);
  });
});
