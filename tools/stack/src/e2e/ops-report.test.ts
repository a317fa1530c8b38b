import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runOps } from '../ops-report.js';
import { testStack } from '../testing.js';

test('npm run ops -- report prints the monitoring queries of the operations guide as tables', async () => {
  const lines: string[] = [];
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = testStack().postgres.ownerUrl;
  try {
    assert.equal(await runOps(['report'], (text) => lines.push(text)), 0);
  } finally {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  }
  const report = lines.join('\n');
  for (const title of ['Slowest queries by mean time', 'Index usage', 'Table sizes', 'Connections by state', 'Replication']) {
    assert.match(report, new RegExp(`== ${title}`));
  }
  assert.doesNotMatch(report, /failed:|skipped/, 'every query ran, pg_stat_statements included');
  assert.doesNotMatch(report, /MISSING/);
  for (const index of ['idx_api_keys_key_hash_status', 'idx_usage_logs_user_created']) assert.match(report, new RegExp(`${index}\\s+\\S+\\s+present`));
  // The replica streams from the primary.
  assert.match(report, /streaming/);
  assert.match(report, /calls/);
});
