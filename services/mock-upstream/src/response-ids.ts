/**
 * The ids of the responses an instance generated, so a follow-up's
 * previous_response_id can be refused, as OpenAI refuses one it does not know,
 * when it reaches another instance (another channel) than the one that answered.
 */

export const REMEMBERED_RESPONSES = 10_000;

export class ResponseIds {
  // A Set iterates in insertion order, so the first entry is the oldest.
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = REMEMBERED_RESPONSES) {}

  remember(id: string): void {
    this.ids.add(id);
    if (this.ids.size <= this.capacity) return;
    const oldest = this.ids.values().next();
    if (!oldest.done) this.ids.delete(oldest.value);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}
