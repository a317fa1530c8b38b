/**
 * The responses an instance generated, so a follow-up's previous_response_id can be
 * refused, as OpenAI refuses one it does not know, when it reaches another instance
 * (another channel) than the one that answered; and how long each conversation is, so
 * that a follow-up's input counts the conversation it continues, as OpenAI bills it.
 */

export const REMEMBERED_RESPONSES = 10_000;

export class ResponseIds {
  // A Map iterates in insertion order, so the first entry is the oldest.
  private readonly ids = new Map<string, number>();

  constructor(private readonly capacity = REMEMBERED_RESPONSES) {}

  /** `contextTokens`: the conversation up to and including this response (input and output tokens). */
  remember(id: string, contextTokens = 0): void {
    const known = this.ids.has(id);
    this.ids.set(id, contextTokens);
    if (known || this.ids.size <= this.capacity) return;
    const oldest = this.ids.keys().next();
    if (!oldest.done) this.ids.delete(oldest.value);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Tokens of the conversation that ends with this response (0 for one not known). */
  contextOf(id: string): number {
    return this.ids.get(id) ?? 0;
  }
}
