import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

describe("the console's list of the models a customer may use", () => {
  test('a plan limited to some models lists exactly those the catalogue sells; no package lists none', async () => {
    const person = await signedUpPerson(stack);
    assert.deepEqual((await person.client.call('GET', '/models')).body, { models: [] });

    const pkg = await admin.createPackage({ models: ['o3', 'gpt-4o-mini', 'not-in-the-catalogue'] });
    await admin.grant(person.userId, pkg.id);
    const listed = await person.client.call('GET', '/models');
    assert.equal(listed.status, 200);
    assert.deepEqual([...listed.body.models].sort(), ['gpt-4o-mini', 'o3']);

    // The same list /v1/models gives the person's keys.
    const key = (await person.client.call('POST', '/keys', { name: 'models' })).body.key as string;
    const v1 = await fetch(`${stack.gatewayUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    assert.deepEqual(((await v1.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id).sort(), ['gpt-4o-mini', 'o3']);
  });
});
