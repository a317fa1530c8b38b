import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getOnNewConnection, parsePrometheusText, testStack, waitFor } from '../testing.js';

const stack = testStack();

async function workerPids(backendUrl: string, requests = 24): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < requests; i += 1) {
    const res = await getOnNewConnection(`${backendUrl}/healthz`).catch(() => undefined);
    if (res?.status === 200) pids.add(JSON.parse(res.body).pid);
  }
  return pids;
}

async function scrape(metricsUrl: string) {
  const res = await getOnNewConnection(metricsUrl);
  assert.equal(res.status, 200);
  return { contentType: res.headers['content-type'] ?? '', samples: parsePrometheusText(res.body), text: res.body };
}

function sampleValue(samples: ReturnType<typeof parsePrometheusText>, name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

describe('backend instances', () => {
  test("each instance's /metrics answers in Prometheus text format", async () => {
    for (const backend of stack.backends) {
      const { contentType, samples, text } = await scrape(backend.metricsUrl);
      assert.match(contentType, /^text\/plain; version=0\.0\.4/);
      for (const name of [
        'http_requests_total',
        'http_request_duration_seconds',
        'db_pool_connections',
        'process_resident_memory_bytes',
        'gateway_worker_restarts_total',
        'gateway_upstream_duration_seconds',
        'gateway_time_to_first_byte_seconds',
        'gateway_tokens_total',
        'gateway_quota_rejections_total',
        'gateway_active_streams',
        'usage_stream_pending',
      ]) {
        assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exported`);
      }
      assert.ok(samples.length > 50);
    }
  });

  test('/metrics sums the requests of every worker of the instance', async () => {
    const backend = stack.backends[0]!;
    const labels = { route: '/healthz', method: 'GET', status: '200' };
    const before = sampleValue((await scrape(backend.metricsUrl)).samples, 'http_requests_total', labels);
    const pids = new Set<number>();
    for (let i = 0; i < 10; i += 1) pids.add(JSON.parse((await getOnNewConnection(`${backend.url}/healthz`)).body).pid);
    assert.ok(pids.size > 1, 'the requests reached more than one worker');
    const after = sampleValue((await scrape(backend.metricsUrl)).samples, 'http_requests_total', labels);
    assert.equal(after - before, 10);
  });

  test('a worker killed with SIGKILL is replaced', async () => {
    const backend = stack.backends[1]!;
    const before = await workerPids(backend.url);
    assert.equal(before.size, 2, `two workers answer (saw ${[...before].join(', ')})`);
    const victim = [...before][0]!;
    process.kill(victim, 'SIGKILL');

    let now = new Set<number>();
    await waitFor(
      'a replacement worker',
      async () => {
        now = await workerPids(backend.url, 12);
        return now.size === 2 && !now.has(victim);
      },
      15_000,
      100,
    );
    const { samples } = await scrape(backend.metricsUrl);
    assert.ok(sampleValue(samples, 'gateway_worker_restarts_total') >= 1);
    // The instance as a whole kept serving.
    assert.equal((await getOnNewConnection(`${backend.url}/readyz`)).status, 200);
  });
});
