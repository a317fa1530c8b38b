import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkLayers } from './layers.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([file, targets]) => [file, new Set(targets)]));
const rules = (edges: Record<string, string[]>) => checkLayers(graph(edges)).map((v) => v.rule);

describe("the backend's layering check", () => {
  test('the backend as it stands has no problem', () => {
    assert.deepEqual(checkLayers(), []);
  });

  test('imports that run down pass', () => {
    const edges = {
      'app.ts': ['features/relay/relay-routes.ts'],
      'features/relay/relay-routes.ts': ['features/keys/key-service.ts', 'domain/money.ts', 'infra/db.ts'],
      'features/keys/key-service.ts': ['features/keys/key-store.ts', 'contract/console-api.ts'],
      'features/keys/key-store.ts': ['infra/db.ts'],
      'infra/db.ts': [],
      'domain/money.ts': [],
      'contract/console-api.ts': ['domain/money.ts'],
    };
    assert.deepEqual(rules(edges), []);
  });

  test("a feature that imports another feature's store fails", () => {
    assert.deepEqual(rules({ 'features/usage/usage-routes.ts': ['features/users/user-store.ts'] }), ["a feature does not import another feature's store"]);
  });

  test('two features that import each other fail, and so do two files', () => {
    const found = rules({
      'features/a/a-service.ts': ['features/b/b-service.ts'],
      'features/b/b-service.ts': ['features/a/a-views.ts'],
      'features/c/c-one.ts': ['features/c/c-two.ts'],
      'features/c/c-two.ts': ['features/c/c-one.ts'],
    });
    assert.deepEqual(found.sort(), ['no circle between features', 'no import circle between files']);
  });

  test('domain/, infra/ and contract/ that import a feature fail, as does a schemas file that needs a service', () => {
    const found = rules({
      'domain/entitlement.ts': ['infra/db.ts'],
      'infra/routes.ts': ['features/accounts/session-auth.ts'],
      'contract/admin-api.ts': ['features/models/model-schemas.ts'],
      'features/models/model-schemas.ts': ['features/models/model-service.ts'],
    });
    assert.deepEqual(found.sort(), [
      'a schemas file imports only schemas, domain/, contract/ and infra/input-fields.ts',
      'contract/ imports no feature',
      'domain/ imports only domain/',
      'infra/ imports no feature',
    ]);
  });
});
