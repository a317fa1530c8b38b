import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testStack, waitFor } from '../testing.js';

const stack = testStack();

test('the native Prometheus (npm start -- --monitoring) scrapes every backend and loads the alert rules', async () => {
  assert.ok(stack.prometheusUrl, 'the test stack runs with --monitoring');
  type Target = { labels: { job: string; instance: string }; health: string };
  let targets: Target[] = [];
  await waitFor(
    'every backend scraped',
    async () => {
      const res = await fetch(`${stack.prometheusUrl}/api/v1/targets?state=active`);
      targets = ((await res.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
      return targets.length === stack.backends.length && targets.every((t) => t.health === 'up');
    },
    60_000,
    500,
  );
  assert.deepEqual(targets.map((t) => t.labels.instance).sort(), stack.backends.map((b) => new URL(b.metricsUrl).host).sort());
  assert.ok(targets.every((t) => t.labels.job === 'gateway-backends'));

  const rules = (await (await fetch(`${stack.prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string }> }> } };
  const names = rules.data.groups.flatMap((g) => g.rules.map((r) => r.name));
  assert.ok(names.length >= 8, `alert rules loaded: ${names.join(', ')}`);
});
