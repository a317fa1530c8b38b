/**
 * POST /v1/embeddings in the wire format of the real API.
 *
 * Vectors are deterministic: seeded from the SHA-256 of the input (a string,
 * or a token array as its comma-joined numbers), unit length like OpenAI's,
 * float32 values so the JSON floats and the base64 bytes (little-endian float32,
 * what the SDKs ask for by default) hold exactly the same numbers. A shorter
 * `dimensions` is the full vector's prefix, normalised again, which is how
 * OpenAI shortens text-embedding-3 vectors.
 *
 * Tokens: ceil(characters / 4), minimum 1, per string input; a token array
 * counts its length; the inputs' counts are summed.
 */

import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type GenerationEndpoint, countPromptTokens, missingParam, requireModel } from './generation.js';
import { HttpError, sendJson } from './http-util.js';

export interface EmbeddingsRequest {
  model: string;
  stream: false;
  /** Each input as the text its vector is seeded from, and its tokens. */
  inputs: { seed: string; tokens: number }[];
  base64: boolean;
  dimensions: number;
}

const DEFAULT_DIMENSIONS = 1536;
const MODEL_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};
// ada-002 has a fixed size; OpenAI refuses `dimensions` for it.
const FIXED_SIZE_MODELS = new Set(['text-embedding-ada-002']);
// OpenAI's limit on the inputs of one request.
const MAX_INPUTS = 2048;

function invalidInput(): HttpError {
  return new HttpError(
    400,
    "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
    'invalid_request_error',
    null,
    null,
  );
}

function parse(body: Record<string, unknown>): EmbeddingsRequest {
  const model = requireModel(body);
  const input = body.input;
  if (input === undefined || input === null) throw missingParam('input');
  const encoding = body.encoding_format ?? 'float';
  if (encoding !== 'float' && encoding !== 'base64') {
    throw new HttpError(
      400,
      `Invalid value for 'encoding_format': expected 'float' or 'base64', got ${JSON.stringify(encoding)}.`,
      'invalid_request_error',
      'encoding_format',
      'invalid_value',
    );
  }
  return { model, stream: false, inputs: readInputs(input), base64: encoding === 'base64', dimensions: readDimensions(body.dimensions, model) };
}

/** A string, an array of strings, a token array, or an array of token arrays; nothing empty. */
function readInputs(input: unknown): EmbeddingsRequest['inputs'] {
  if (typeof input === 'string') return [textInput(input)];
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) throw invalidInput();
  if (input.every(isToken)) return [tokenInput(input)];
  return input.map((item) => {
    if (typeof item === 'string') return textInput(item);
    if (Array.isArray(item) && item.every(isToken)) return tokenInput(item);
    throw invalidInput();
  });
}

function textInput(text: string): { seed: string; tokens: number } {
  if (text === '') throw invalidInput();
  return { seed: text, tokens: countPromptTokens([text]) };
}

function tokenInput(tokens: number[]): { seed: string; tokens: number } {
  if (tokens.length === 0) throw invalidInput();
  return { seed: tokens.join(','), tokens: tokens.length };
}

function isToken(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function readDimensions(value: unknown, model: string): number {
  const full = MODEL_DIMENSIONS[model] ?? DEFAULT_DIMENSIONS;
  if (value === undefined || value === null) return full;
  if (FIXED_SIZE_MODELS.has(model)) {
    throw new HttpError(400, 'This model does not support specifying dimensions.', 'invalid_request_error', 'dimensions', null);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > full) {
    throw new HttpError(400, `Invalid 'dimensions': expected an integer from 1 to ${full}.`, 'invalid_request_error', 'dimensions', 'invalid_value');
  }
  return value;
}

/**
 * The unit vector of `seed`: the first `dimensions` values of a sequence seeded by it,
 * normalised, as float32. Any length is a prefix of the same sequence, so a shortened
 * vector is the full one's prefix normalised again.
 */
export function embeddingVector(seed: string, dimensions: number): Float32Array {
  const digest = createHash('sha256').update(seed).digest();
  let state = digest.readUInt32LE(0) || 1;
  const values = new Float64Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    // xorshift32: cheap and plenty for numbers nobody reads as meaning.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const v = state / 0x80000000 - 1;
    values[i] = v;
    norm += v * v;
  }
  const scale = 1 / Math.sqrt(norm);
  return Float32Array.from(values, (v) => v * scale);
}

/** Little-endian float32 bytes, whatever the machine's own byte order. */
function toBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [i, v] of vector.entries()) bytes.writeFloatLE(v, i * 4);
  return bytes.toString('base64');
}

async function respond(res: ServerResponse, req: EmbeddingsRequest): Promise<void> {
  const data = req.inputs.map((input, index) => {
    const vector = embeddingVector(input.seed, req.dimensions);
    return { object: 'embedding', index, embedding: req.base64 ? toBase64(vector) : Array.from(vector) };
  });
  const tokens = req.inputs.reduce((sum, input) => sum + input.tokens, 0);
  sendJson(res, 200, { object: 'list', data, model: req.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

export const embeddings: GenerationEndpoint<EmbeddingsRequest> = { parse, respond };
