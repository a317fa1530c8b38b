import type { UnitCount } from '../../domain/money.js';
import { isRecord, parseObject } from './json.js';

export interface MeteredUsage {
  promptTokens: number;
  completionTokens: number;
  /** Of the prompt tokens, those the upstream served from its prompt cache. */
  cachedTokens: number;
  /** Of the prompt tokens, those the upstream wrote to its prompt cache (Anthropic's cache_creation_input_tokens). */
  cacheWriteTokens: number;
  /** Of the completion tokens, those spent reasoning (billed as output). */
  reasoningTokens: number;
  /** Images, seconds or characters besides the tokens (their APIs'), when the request is billed by them. */
  units: UnitCount | undefined;
  /** True when the numbers came from the upstream, false when counted by the gateway. */
  reported: boolean;
}

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/** A prompt as the upstream counted it: all its tokens, and of them those read from and written to its cache. */
interface PromptCount {
  prompt: number;
  cached: number;
  cacheWrite: number;
}

/**
 * Anthropic's input figures as one prompt count: its `input_tokens` leaves out the tokens read
 * from and written to the prompt cache, which are input all the same (and priced on their own).
 */
export function anthropicPrompt(usage: Record<string, unknown>): PromptCount | undefined {
  const input = count(usage.input_tokens);
  if (input === undefined) return undefined;
  const cached = count(usage.cache_read_input_tokens) ?? 0;
  const cacheWrite = count(usage.cache_creation_input_tokens) ?? 0;
  return { prompt: input + cached + cacheWrite, cached, cacheWrite };
}

/**
 * What a relayed answer cost: the usage the upstream reported (its adapter finds it: a JSON
 * answer's `usage`, the usage chunk of a chat stream, the terminal event of a responses
 * stream) or, until it does, the output actually delivered: one token a content delta, the
 * convention of OpenAI-compatible streams.
 */
export class UsageMeter {
  private deltas = 0;
  private reported: (PromptCount & { completion: number; reasoning: number }) | undefined;
  /** The prompt's figures, reported before the answer's (Anthropic's message_start). */
  private promptReported: PromptCount | undefined;
  /** The answer's id when it is a response (so that a later previous_response_id finds its channel). */
  responseId: string | undefined;
  private unitsReported: UnitCount | undefined;

  /** `planned`: the units a request of an API sold by the unit is billed when the upstream does not say (images asked, characters sent, audio estimated). */
  constructor(private readonly planned?: UnitCount) {}

  /** How many of the planned unit the answer delivered (images returned, seconds of audio), as the upstream or its answer tells. */
  reportUnitCount(count: number): void {
    if (this.planned && Number.isFinite(count) && count >= 0) this.unitsReported = { ...this.planned, count: Math.ceil(count) };
  }

  /** Records the upstream's own figures (chat and responses spellings). */
  report(usage: Record<string, unknown>): void {
    const prompt = count(usage.prompt_tokens ?? usage.input_tokens);
    // Embeddings report no output: their total is their prompt.
    const total = count(usage.total_tokens);
    const completion =
      count(usage.completion_tokens ?? usage.output_tokens) ?? (prompt !== undefined && total !== undefined && total >= prompt ? total - prompt : undefined);
    if (prompt === undefined || completion === undefined) return;
    const details = (v: unknown) => (isRecord(v) ? v : {});
    const cached = count(details(usage.prompt_tokens_details ?? usage.input_tokens_details).cached_tokens) ?? 0;
    const reasoning = count(details(usage.completion_tokens_details ?? usage.output_tokens_details).reasoning_tokens) ?? 0;
    this.reported = { prompt, completion, cached: Math.min(cached, prompt), cacheWrite: 0, reasoning: Math.min(reasoning, completion) };
  }

  /**
   * Records Anthropic's figures: a whole answer's usage, or a stream's (its message_start
   * tells the prompt, each message_delta the output so far; the stream's last is final).
   * `final`: the output figure is the answer's whole.
   */
  reportAnthropic(usage: Record<string, unknown>, final: boolean): void {
    const prompt = anthropicPrompt(usage) ?? this.promptReported;
    if (prompt) this.promptReported = prompt;
    const completion = count(usage.output_tokens);
    if (!final || !prompt || completion === undefined) return;
    this.reported = { ...prompt, completion, reasoning: 0 };
  }

  /** One content delta went by (to the client, or read after it left). */
  delivered(): void {
    this.deltas += 1;
  }

  /** Content deltas the upstream has sent so far. */
  get generated(): number {
    return this.deltas;
  }

  /** Reads a complete (non-streamed) JSON answer. */
  observeJson(body: string): void {
    // Not JSON we understand: usage stays counted by the gateway.
    const answer = parseObject(body);
    if (answer?.object === 'response' && typeof answer.id === 'string') this.responseId = answer.id;
    if (isRecord(answer?.usage)) this.report(answer.usage);
  }

  /**
   * What the upstream reported; failing that, the gateway's count: what was delivered,
   * plus the prompt estimate when the prompt was answered (`charge.prompt`: not for an
   * answer the upstream broke off), and at least `charge.reservedOutput` output tokens for
   * an answer the gateway cut off unfinished (the upstream charges for what it wrote,
   * reasoning included, which the gateway cannot see).
   */
  usage(promptEstimate: number, charge: { prompt: boolean; reservedOutput?: number }): MeteredUsage {
    // Units are billed as the answer reported them, else as planned for an answer that counts (a refused or broken one is not billed).
    const units = this.unitsReported ?? (charge.prompt ? this.planned : undefined);
    const r = this.reported;
    if (r) {
      const tokens = { promptTokens: r.prompt, completionTokens: r.completion, cachedTokens: r.cached, cacheWriteTokens: r.cacheWrite };
      return { ...tokens, reasoningTokens: r.reasoning, units, reported: true };
    }
    // Billed by the unit alone: no tokens were reported, none are counted.
    if (this.planned) return { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, units, reported: false };
    // The prompt as the upstream counted it, when it said so before the answer was cut.
    const prompt = charge.prompt ? this.promptReported : undefined;
    return {
      promptTokens: prompt?.prompt ?? (charge.prompt ? promptEstimate : 0),
      completionTokens: Math.max(this.deltas, charge.reservedOutput ?? 0),
      cachedTokens: prompt?.cached ?? 0,
      cacheWriteTokens: prompt?.cacheWrite ?? 0,
      reasoningTokens: 0,
      units,
      reported: false,
    };
  }
}
