import OpenAI from 'openai';

/**
 * Steady load for the HA test, from the official `openai` SDK (no retries: every failure a
 * client would see is counted): chat and streamed chat in turn, spread over the nodes'
 * nginx in turn, each request kept with its start, end and outcome so that a phase can be
 * read off afterwards (errors in a window, when requests were answered again).
 */
export interface Outcome {
  start: number;
  end: number;
  ok: boolean;
  /** HTTP status, or "network", or "stream" for a stream that ended without its last chunk. */
  what: string;
  stream: boolean;
  /** Which load it belongs to. */
  tag: string;
}

export interface SteadyLoad {
  outcomes: Outcome[];
  resent: number[];
  stop(): Promise<void>;
}

export function startSteadyLoad(options: {
  gatewayUrls: () => string[];
  apiKey: string;
  tag: string;
  clients: number;
  pauseMs: number;
  maxMs: number;
}): SteadyLoad {
  const outcomes: Outcome[] = [];
  /** When a request was sent again after its connection closed before any answer. */
  const resent: number[] = [];
  const deadline = Date.now() + options.maxMs;
  let stopping = false;
  let turn = 0;

  const send = async (stream: boolean, start: number, record: (ok: boolean, what: string) => void) => {
    const attempt = async () => {
      const urls = options.gatewayUrls();
      const url = urls[turn++ % urls.length]!;
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: options.apiKey, maxRetries: 0, timeout: 30_000 });
      if (stream) {
        const chunks = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `ha ${start}` }] });
        let finished = false;
        for await (const chunk of chunks) if (chunk.choices[0]?.finish_reason) finished = true;
        record(finished, finished ? '200' : 'stream');
      } else {
        const answer = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `ha ${start}` }] });
        record(Boolean(answer.choices[0]?.message), '200');
      }
    };
    try {
      await attempt();
    } catch (err) {
      // A connection closed before any answer (an nginx reload ends its old workers' idle
      // keep-alive connections): sent once more, as the SDK would by default, and counted.
      const closed = err instanceof OpenAI.APIConnectionError && !(err instanceof OpenAI.APIConnectionTimeoutError);
      if (!closed) throw err;
      resent.push(Date.now());
      await attempt();
    }
  };

  const one = async (stream: boolean) => {
    const start = Date.now();
    const record = (ok: boolean, what: string) => outcomes.push({ start, end: Date.now(), ok, what, stream, tag: options.tag });
    try {
      await send(stream, start, record);
    } catch (err) {
      // The status and the error's code (what a client would act on), or how the connection failed.
      const what = err instanceof OpenAI.APIError && err.status ? `${err.status} ${err.code ?? ''}`.trim() : `network ${(err as Error).message.slice(0, 60)}`;
      record(false, what);
    }
  };

  const client = async (n: number) => {
    let i = n;
    while (!stopping && Date.now() < deadline) {
      await one(i++ % 4 === 0);
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  const running = Promise.all(Array.from({ length: options.clients }, (_, n) => client(n)));
  return {
    outcomes,
    resent,
    async stop() {
      stopping = true;
      await running;
    },
  };
}

/** What the clients saw from `from` on, until `to`: failures, and how long after `from` the last one ended. */
export function phaseReport(outcomes: Outcome[], from: number, to: number) {
  const window = outcomes.filter((o) => o.end >= from && o.start <= to);
  const failures = window.filter((o) => !o.ok);
  const byKind: Record<string, number> = {};
  for (const f of failures) byKind[f.what] = (byKind[f.what] ?? 0) + 1;
  const lastFailure = Math.max(from, ...failures.map((f) => f.end));
  // Answered again: the first success that started after the last failure ended.
  const againAt = window.filter((o) => o.ok && o.start >= lastFailure).reduce((min, o) => Math.min(min, o.end), Number.POSITIVE_INFINITY);
  return {
    requests: window.length,
    failures: failures.length,
    byKind,
    /** Seconds from `from` until requests were answered again (0 when none failed). */
    answeredAgainS: failures.length ? (againAt - from) / 1000 : 0,
  };
}
