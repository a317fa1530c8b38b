/**
 * What arrived: the last API requests as the mock received them, for tests to
 * assert which headers a gateway forwarded (and which it must not have).
 */

import type { IncomingMessage } from 'node:http';

export interface MockRequestRecord {
  method: string;
  /** The path as received, without the query string. */
  path: string;
  /** The query parameters (the last value of a repeated one). */
  query: Record<string, string>;
  /**
   * Every header as sent, names lowercased. Repeated headers are joined (`cookie`
   * with "; ", others with ", ") rather than dropped, as node:http would drop a
   * second `authorization`.
   */
  headers: Record<string, string>;
  /** The model a generation request asked for (the Azure deployment, or the body's `model`); null otherwise. */
  model: string | null;
  /** When the request arrived, ISO 8601. */
  at: string;
}

export const REQUEST_LOG_SIZE = 200;

export class RequestLog {
  private entries: MockRequestRecord[] = [];

  constructor(private readonly size = REQUEST_LOG_SIZE) {}

  /** Records a request as it arrives; the entry stays mutable so the model can be filled in once the body is read. */
  record(req: IncomingMessage, path: string, query: string): MockRequestRecord {
    const entry: MockRequestRecord = {
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers: headersOf(req.rawHeaders),
      model: null,
      at: new Date().toISOString(),
    };
    this.entries.push(entry);
    if (this.entries.length > this.size) this.entries.shift();
    return entry;
  }

  /** Oldest first, as copies. */
  list(): MockRequestRecord[] {
    return this.entries.map((e) => ({ ...e, query: { ...e.query }, headers: { ...e.headers } }));
  }

  clear(): void {
    this.entries = [];
  }
}

function headersOf(raw: readonly string[]): Record<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? value : `${seen}${name === 'cookie' ? '; ' : ', '}${value}`);
  }
  // fromEntries defines own properties, so even a header named __proto__ is kept as data.
  return Object.fromEntries(headers);
}
