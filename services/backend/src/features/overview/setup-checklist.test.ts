import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { signedUpPerson, staffWithTotp } from '@codex-gateway/stack/console-client';
import { adminApi, testStack, waitFor } from '@codex-gateway/stack/testing';
import type { SetupChecklist, SetupTaskView } from '../../contract/admin-api.js';
import { type SetupFacts, setupChecklist } from './setup-checklist.js';

const stack = testStack();
const admin = adminApi(stack);
const tag = `${process.pid}-${Date.now()}`;

const taskOf = (list: SetupChecklist, id: SetupTaskView['id']) => list.tasks.find((t) => t.id === id)!;
const checklist = async (): Promise<SetupChecklist> => {
  const res = await admin.call('GET', '/setup-checklist');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

describe('the setup checklist on the Operations overview', () => {
  const made: number[] = [];
  after(async () => {
    for (const id of made) await admin.call('DELETE', `/channels/${id}`);
  });

  test('a stack on the bundled fakes lists payment providers in fake mode and mail caught locally, in a fixed order', async () => {
    const list = await checklist();
    assert.deepEqual(
      list.tasks.map((t) => t.id),
      ['paid_package', 'catalogue_models', 'channel_keys', 'payments', 'mail'],
    );
    assert.deepEqual(taskOf(list, 'payments'), { id: 'payments', done: false, reason: 'not_live', items: ['stripe', 'epay'] });
    assert.deepEqual(taskOf(list, 'mail'), { id: 'mail', done: false, reason: 'local_catcher', items: [] });
    assert.equal(list.done, false);
  });

  test('a channel added without an upstream key is named until it has one', async () => {
    const name = `setup-keyless-${tag}`;
    const created = await admin.call('POST', '/channels', { name, base_url: `${stack.upstreamUrl}/v1`, models: [`setup-only-${tag}`] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    made.push(created.body.id);
    await waitFor('the keyless channel listed', async () => taskOf(await checklist(), 'channel_keys').items.includes(name), 5000);
    assert.equal(taskOf(await checklist(), 'channel_keys').reason, 'no_key');

    const keyed = await admin.call('PATCH', `/channels/${created.body.id}`, { api_key: 'sk-upstream-setup-check' });
    assert.equal(keyed.status, 200, JSON.stringify(keyed.body));
    await waitFor('the keyed channel gone from the list', async () => !taskOf(await checklist(), 'channel_keys').items.includes(name), 5000);
  });

  test('a paid package on sale that a provider takes ticks the first task', async () => {
    await admin.createPackage({ price_cents: 500, currency: 'USD' });
    assert.deepEqual(taskOf(await checklist(), 'paid_package'), { id: 'paid_package', done: true, reason: null, items: [] });
  });

  test('support staff read the checklist; a customer is refused', async () => {
    const support = await staffWithTotp(stack, 'support');
    assert.equal((await support.client.admin('GET', '/setup-checklist')).status, 200);
    const customer = await signedUpPerson(stack);
    assert.equal((await customer.client.admin('GET', '/setup-checklist')).status, 403);
  });
});

const FAKES: SetupFacts = {
  packagesOnSale: [],
  providers: [],
  catalogue: [],
  channels: [],
  mail: 'smtp',
};

describe('what the checklist decides from the facts', () => {
  const cases: Array<{ name: string; facts: Partial<SetupFacts>; id: SetupTaskView['id']; want: Omit<SetupTaskView, 'id'> }> = [
    { name: 'nothing on sale', facts: {}, id: 'paid_package', want: { done: false, reason: 'none_on_sale', items: [] } },
    {
      name: 'a CNY package with only Stripe is payable (Stripe takes any currency)',
      facts: { packagesOnSale: [{ name: 'Pro', currency: 'CNY' }], providers: [{ name: 'stripe', mode: 'live' }] },
      id: 'paid_package',
      want: { done: true, reason: null, items: [] },
    },
    {
      name: 'a USD package with only EPay (CNY) cannot be paid',
      facts: { packagesOnSale: [{ name: 'Starter', currency: 'usd' }], providers: [{ name: 'epay', currencies: ['CNY'], mode: 'live' }] },
      id: 'paid_package',
      want: { done: false, reason: 'no_provider', items: ['Starter'] },
    },
    {
      name: 'catalogue entries no channel serves, a disabled one left out, a family served by one of its models',
      facts: {
        catalogue: [
          { name: 'gpt-4o-mini', enabled: true },
          { name: 'gpt-5*', enabled: true },
          { name: 'o3', enabled: true },
          { name: 'retired', enabled: false },
        ],
        channels: [{ name: 'openai', hasKey: true, models: ['gpt-4o-mini', 'gpt-5-codex'] }],
      },
      id: 'catalogue_models',
      want: { done: false, reason: 'no_channel', items: ['o3'] },
    },
    {
      name: 'a channel with no model list serves every model',
      facts: { catalogue: [{ name: 'o3', enabled: true }], channels: [{ name: 'all', hasKey: true, models: [] }] },
      id: 'catalogue_models',
      want: { done: true, reason: null, items: [] },
    },
    {
      name: 'channels without a key',
      facts: {
        channels: [
          { name: 'a', hasKey: false, models: [] },
          { name: 'b', hasKey: true, models: [] },
        ],
      },
      id: 'channel_keys',
      want: { done: false, reason: 'no_key', items: ['a'] },
    },
    { name: 'no payment provider', facts: {}, id: 'payments', want: { done: false, reason: 'not_configured', items: [] } },
    {
      name: 'Stripe in test mode and a live EPay',
      facts: {
        providers: [
          { name: 'stripe', mode: 'test' },
          { name: 'epay', mode: 'live' },
        ],
      },
      id: 'payments',
      want: { done: false, reason: 'not_live', items: ['stripe'] },
    },
    { name: 'live providers', facts: { providers: [{ name: 'stripe', mode: 'live' }] }, id: 'payments', want: { done: true, reason: null, items: [] } },
    { name: 'no SMTP server', facts: { mail: 'none' }, id: 'mail', want: { done: false, reason: 'not_configured', items: [] } },
    { name: 'the bundled catcher', facts: { mail: 'catcher' }, id: 'mail', want: { done: false, reason: 'local_catcher', items: [] } },
    { name: 'a real SMTP server', facts: { mail: 'smtp' }, id: 'mail', want: { done: true, reason: null, items: [] } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(taskOf(setupChecklist({ ...FAKES, ...c.facts }), c.id), { id: c.id, ...c.want });
    });
  }

  test('everything set up: the checklist is done', () => {
    const list = setupChecklist({
      packagesOnSale: [{ name: 'Pro', currency: 'USD' }],
      providers: [{ name: 'stripe', mode: 'live' }],
      catalogue: [{ name: 'gpt-4o-mini', enabled: true }],
      channels: [{ name: 'openai', hasKey: true, models: [] }],
      mail: 'smtp',
    });
    assert.equal(list.done, true);
  });
});
