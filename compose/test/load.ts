/**
 * Load for the compose tests: a few clients posting non-streaming chat requests through
 * the stack's published port, bounded in requests and time, keeping what each one saw.
 */
export interface LoadResult {
  sent: number;
  ok: number;
  /** Status (or "network: …") → count, for everything but 200. */
  failures: Record<string, number>;
  /** Bodies of the first few failures, to show what a client got. */
  failureBodies: string[];
  /**
   * Requests sent again because the connection closed under them before any answer: a
   * reload of nginx ends its old workers' idle keep-alive connections, and one that a
   * client picks at that moment was never read. The client retries as the openai SDKs do
   * with a connection error (twice, after a short pause).
   */
  resent: number;
  promptTokens: number;
  completionTokens: number;
}

export interface Load {
  stop(): Promise<LoadResult>;
  /** Requests answered so far. */
  answered(): number;
}

/** Clients a load runs unless told otherwise. */
export const LOAD_CLIENTS = 8;

export function startLoad(options: {
  gatewayUrl: string;
  apiKey: string;
  clients?: number;
  /** Pause between a client's requests; 8 clients × 40 ms ≈ 150 req/s at most. */
  pauseMs?: number;
  maxRequests?: number;
  maxMs?: number;
}): Load {
  const { clients = LOAD_CLIENTS, pauseMs = 40, maxRequests = 20_000, maxMs = 180_000 } = options;
  const result: LoadResult = { sent: 0, ok: 0, failures: {}, failureBodies: [], resent: 0, promptTokens: 0, completionTokens: 0 };
  const deadline = Date.now() + maxMs;
  let stopping = false;
  const fail = (what: string, body: string) => {
    result.failures[what] = (result.failures[what] ?? 0) + 1;
    if (result.failureBodies.length < 5) result.failureBodies.push(`${what}: ${body.slice(0, 300)}`);
  };

  const send = (content: string) =>
    fetch(`${options.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
    });
  // Only a connection closed before any answer is retried (fetch throws before a response
  // exists); an answer nginx or a backend gave, a 502 included, is never sent again.
  const post = async (content: string, retries = 2): Promise<Response> => {
    try {
      return await send(content);
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (retries === 0 || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET')) throw err;
      result.resent += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return post(content, retries - 1);
    }
  };

  const client = async () => {
    while (!stopping && result.sent < maxRequests && Date.now() < deadline) {
      result.sent += 1;
      try {
        const res = await post(`load ${result.sent}`);
        const text = await res.text();
        if (res.status === 200) {
          const usage = JSON.parse(text).usage;
          result.ok += 1;
          result.promptTokens += usage.prompt_tokens;
          result.completionTokens += usage.completion_tokens;
        } else {
          fail(String(res.status), text);
        }
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        fail(`network: ${cause?.code ?? cause?.message ?? (err as Error).message}`, String(err));
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const running = Promise.all(Array.from({ length: clients }, () => client()));
  return {
    answered: () => result.ok + Object.values(result.failures).reduce((a, b) => a + b, 0),
    async stop() {
      stopping = true;
      await running;
      return result;
    },
  };
}
