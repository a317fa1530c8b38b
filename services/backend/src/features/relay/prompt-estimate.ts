/**
 * How many prompt tokens a request will cost, before the upstream says: reserved against
 * the daily token limit, then settled to what the upstream reports.
 *
 * Estimated from the decoded request, never from its size on the wire: a gzip body is a
 * fraction of its text, and a base64 image is megabytes of characters worth about a
 * thousand tokens. Text counts about four ASCII characters a token and one token for any
 * other character (CJK text is close to a token a character); attachments (images, files,
 * audio) count a fixed cost each.
 */
export const ATTACHMENT_TOKENS = 1000;

/** Content parts whose payload is binary data, not text. */
const ATTACHMENT_TYPES = new Set(['image_url', 'input_image', 'image', 'input_file', 'file', 'input_audio', 'audio']);
const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+(;[\w=.+-]+)*;base64,/;

function textTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) ascii += 1;
    // A surrogate pair is one character: count its high half only.
    else if (code < 0xdc00 || code > 0xdfff) other += 1;
  }
  return Math.ceil(ascii / 4) + other;
}

export function estimatePromptTokens(body: unknown): number {
  let tokens = 0;
  // Iterative, so a deeply nested body cannot overflow the stack.
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      tokens += DATA_URL.test(value) ? ATTACHMENT_TOKENS : textTokens(value);
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.type === 'string' && ATTACHMENT_TYPES.has(record.type)) {
        tokens += ATTACHMENT_TOKENS;
        continue;
      }
      for (const key in record) stack.push(record[key]);
    }
  }
  return Math.max(1, tokens);
}
