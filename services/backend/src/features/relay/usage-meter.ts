/**
 * Reads usage out of what the upstream sends, without holding anything back: a JSON
 * answer's `usage`, or, for server-sent events, the closing usage chunk (chat) or the
 * response.completed event (responses). Until the upstream reports usage, it counts the
 * content deltas delivered, so a stream cut short is billed for what the client received.
 */
export type ApiKind = 'chat' | 'responses';

export interface MeteredUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the numbers came from the upstream, false when estimated. */
  reported: boolean;
}

const DELTA_MARKERS: Record<ApiKind, string> = {
  chat: '"delta":{',
  responses: '"type":"response.output_text.delta"',
};

export class UsageMeter {
  private partial = '';
  private deltas = 0;
  private reported: { prompt: number; completion: number } | undefined;
  /** True once the stream's terminal event went by ([DONE] or response.completed). */
  finished = false;

  constructor(
    private readonly kind: ApiKind,
    private readonly promptEstimate: number,
  ) {}

  /** Feeds one chunk of an event stream, as it is passed to the client. */
  observeStreamChunk(chunk: Buffer): void {
    this.partial += chunk.toString('utf8');
    let end: number;
    while ((end = this.partial.indexOf('\n\n')) >= 0) {
      this.observeEvent(this.partial.slice(0, end));
      this.partial = this.partial.slice(end + 2);
    }
  }

  /** Whether this chunk ends the stream (then the relay records usage before sending it). */
  static isTerminal(chunk: Buffer): boolean {
    const text = chunk.toString('latin1');
    return text.includes('data: [DONE]') || text.includes('"type":"response.completed"') || text.includes('"type":"response.incomplete"');
  }

  private observeEvent(event: string): void {
    const dataAt = event.indexOf('data: ');
    if (dataAt < 0) return;
    const data = event.slice(dataAt + 6);
    if (data.startsWith('[DONE]')) {
      this.finished = true;
      return;
    }
    if (this.kind === 'chat' && data.includes('"content":"') && !data.includes('"content":""') && data.includes(DELTA_MARKERS.chat)) this.deltas += 1;
    if (this.kind === 'responses' && data.includes(DELTA_MARKERS.responses)) this.deltas += 1;
    if (data.includes('"usage":{')) this.readUsage(data, true);
  }

  /** Reads a complete non-streamed JSON answer. */
  observeJson(body: string): void {
    this.readUsage(body, false);
  }

  private readUsage(json: string, fromStream: boolean): void {
    try {
      const parsed = JSON.parse(json) as { usage?: Record<string, number>; response?: { usage?: Record<string, number> }; type?: string };
      const usage = parsed.usage ?? parsed.response?.usage;
      if (!usage) return;
      const prompt = usage.prompt_tokens ?? usage.input_tokens;
      const completion = usage.completion_tokens ?? usage.output_tokens;
      if (typeof prompt === 'number' && typeof completion === 'number') this.reported = { prompt, completion };
      if (fromStream && (parsed.type === 'response.completed' || parsed.type === 'response.incomplete')) this.finished = true;
    } catch {
      // Not JSON we understand: usage stays estimated.
    }
  }

  usage(): MeteredUsage {
    if (this.reported) return { promptTokens: this.reported.prompt, completionTokens: this.reported.completion, reported: true };
    return { promptTokens: this.promptEstimate, completionTokens: this.deltas, reported: false };
  }
}
