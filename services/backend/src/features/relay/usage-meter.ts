import { isRecord, parseObject } from './json.js';

/**
 * What a relayed answer cost: the usage the upstream reported (a JSON answer's `usage`,
 * the usage chunk of a chat stream, the terminal event of a responses stream) or, until
 * it does, the output actually delivered: one token a content delta, the convention of
 * OpenAI-compatible streams.
 */
export type ApiKind = 'chat' | 'responses';

export interface MeteredUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the numbers came from the upstream, false when counted by the gateway. */
  reported: boolean;
}

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

export class UsageMeter {
  private deltas = 0;
  private reported: { prompt: number; completion: number } | undefined;

  /** Records the upstream's own figures (chat and responses spellings). */
  report(usage: Record<string, unknown>): void {
    const prompt = count(usage.prompt_tokens ?? usage.input_tokens);
    const completion = count(usage.completion_tokens ?? usage.output_tokens);
    if (prompt !== undefined && completion !== undefined) this.reported = { prompt, completion };
  }

  /** One content delta went to the client. */
  delivered(): void {
    this.deltas += 1;
  }

  /** Reads a complete (non-streamed) JSON answer. */
  observeJson(body: string): void {
    // Not JSON we understand: usage stays counted by the gateway.
    const usage = parseObject(body)?.usage;
    if (isRecord(usage)) this.report(usage);
  }

  /**
   * What the upstream reported; failing that, what was delivered, plus the prompt estimate
   * when the prompt was answered (`chargePrompt`: not for an answer the upstream broke off).
   */
  usage(promptEstimate: number, chargePrompt: boolean): MeteredUsage {
    if (this.reported) return { promptTokens: this.reported.prompt, completionTokens: this.reported.completion, reported: true };
    return { promptTokens: chargePrompt ? promptEstimate : 0, completionTokens: this.deltas, reported: false };
  }
}
