/**
 * What a client sees on the wire, for the tests (excluded from the build).
 * Streams are read with eventsource-parser, a standard-conforming SSE parser,
 * so the tests hold the mock to the SSE specification rather than to one
 * framing.
 */

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createParser } from 'eventsource-parser';
import { createMockUpstream, type MockUpstream, type MockUpstreamOptions } from './index.js';

/** A mock upstream of the test file's own on a free port, started before its tests and closed after them. */
export function mockForThisFile(options?: MockUpstreamOptions): { readonly mock: MockUpstream; readonly base: string } {
  const upstream = {} as { mock: MockUpstream; base: string };
  before(async () => {
    upstream.mock = createMockUpstream(options);
    upstream.base = (await upstream.mock.listen(0, '127.0.0.1')).url;
  });
  after(() => upstream.mock.close());
  return upstream;
}

export interface WireEvent {
  /** The `event:` field, undefined when the event has none. */
  event: string | undefined;
  /** The `data:` field verbatim ("[DONE]" included). */
  data: string;
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Reads a body to the end, returning what arrived and whether the connection died before the end. */
export async function readUntilEnd(res: Response): Promise<{ text: string; cut: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, cut: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, cut: true };
  }
}

export function parseSse(text: string): WireEvent[] {
  const events: WireEvent[] = [];
  const parser = createParser({ onEvent: (e) => events.push({ event: e.event, data: e.data }) });
  parser.feed(text);
  return events;
}

/** The JSON payloads of a stream's events; "[DONE]" is left out. */
export function payloads(events: readonly WireEvent[]): Record<string, any>[] {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Record<string, any>);
}

export async function errorOf(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as { error: Record<string, unknown> };
  return body.error;
}

/** Runs `fn` against a mock upstream of its own on a free port, closed afterwards whatever happens. */
export async function withMock<T>(options: MockUpstreamOptions, fn: (mock: MockUpstream, base: string) => Promise<T>): Promise<T> {
  const mock = createMockUpstream(options);
  const { url } = await mock.listen(0, '127.0.0.1');
  try {
    return await fn(mock, url);
  } finally {
    await mock.close();
  }
}

/** What every Anthropic client sends: its SDKs and Claude Code always set anthropic-version. */
export const ANTHROPIC_HEADERS: Readonly<Record<string, string>> = { 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-mock' };

/** The error of an answer in Anthropic's shape, after checking that shape and that request_id is the request-id header. */
export async function anthropicErrorOf(res: Response): Promise<{ type: string; message: string }> {
  const body = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string };
  assert.deepEqual(Object.keys(body), ['type', 'error', 'request_id']);
  assert.equal(body.type, 'error');
  assert.deepEqual(Object.keys(body.error), ['type', 'message']);
  assert.match(body.request_id, /^req_[0-9a-f]{32}$/);
  assert.equal(res.headers.get('request-id'), body.request_id);
  return body.error;
}
