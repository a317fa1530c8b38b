/** Changes a mock upstream's behaviour (latency, stream pace …). */
export async function mockConfig(upstreamUrl: string, patch: Record<string, number>): Promise<void> {
  const res = await fetch(`${upstreamUrl}/__mock/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
  if (!res.ok) throw new Error(`the mock upstream refused ${JSON.stringify(patch)}: ${res.status} ${await res.text()}`);
}
