/**
 * POST /v1/images/generations (JSON) and POST /v1/images/edits (multipart), in
 * the wire format of the real API, for the three model families OpenAI has:
 *   - dall-e-2 (also the default, and what mock- names and unknown models follow):
 *     sizes 256x256, 512x512, 1024x1024; n 1–10; url or b64_json;
 *   - dall-e-3: sizes 1024x1024, 1792x1024, 1024x1792; n = 1; each image with a
 *     `revised_prompt`; generations only;
 *   - gpt-image-1 (any gpt-image- model): sizes 1024x1024, 1536x1024, 1024x1536,
 *     auto; always b64_json, and the answer reports `usage` in tokens.
 *
 * Every image is the same tiny valid PNG (1×1), whatever the size asked: the
 * gateway meters and relays images, it never looks at them. A url points at
 * GET /__mock/images/<id>.png on this mock, which serves that PNG.
 *
 * gpt-image usage is deterministic: input text tokens ceil(prompt characters / 4)
 * (minimum 1), input image tokens IMAGE_INPUT_TOKENS per image given to an edit,
 * output tokens per image by quality and size as OpenAI's pricing table counts
 * them (quality and size "auto" are made as medium and 1024x1024).
 */

import type { ServerResponse } from 'node:http';
import { type GenerationEndpoint, countPromptTokens, missingParam } from './generation.js';
import { HttpError, newId, sendJson, unixSeconds } from './http-util.js';
import { type FormValue, MULTIPART_FORM, isUploadedFile } from './multipart.js';

export const MOCK_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mMQWFz/HwAEKwIyED2/ggAAAABJRU5ErkJggg==', 'base64');
const MOCK_PNG_BASE64 = MOCK_PNG.toString('base64');

/** Input tokens an edit is billed per image it is given (a mask counts nothing). */
export const IMAGE_INPUT_TOKENS = 256;

type Family = 'dall-e-2' | 'dall-e-3' | 'gpt-image';

interface FamilyRules {
  sizes: readonly string[];
  qualities: readonly string[];
  defaultSize: string;
  defaultQuality: string;
  maxPromptChars: number;
  maxN: number;
}

const RULES: Readonly<Record<Family, FamilyRules>> = {
  'dall-e-2': {
    sizes: ['256x256', '512x512', '1024x1024'],
    qualities: ['standard', 'auto'],
    defaultSize: '1024x1024',
    defaultQuality: 'standard',
    maxPromptChars: 1000,
    maxN: 10,
  },
  'dall-e-3': {
    sizes: ['1024x1024', '1792x1024', '1024x1792'],
    qualities: ['standard', 'hd', 'auto'],
    defaultSize: '1024x1024',
    defaultQuality: 'standard',
    maxPromptChars: 4000,
    maxN: 1,
  },
  'gpt-image': {
    sizes: ['1024x1024', '1536x1024', '1024x1536', 'auto'],
    qualities: ['low', 'medium', 'high', 'auto'],
    defaultSize: 'auto',
    defaultQuality: 'auto',
    maxPromptChars: 32_000,
    maxN: 10,
  },
};

// OpenAI's output tokens per gpt-image-1 image.
const OUTPUT_TOKENS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1056, '1024x1536': 1584, '1536x1024': 1568 },
  high: { '1024x1024': 4160, '1024x1536': 6240, '1536x1024': 6208 },
};

export interface ImagesRequest {
  model: string;
  stream: false;
  family: Family;
  prompt: string;
  n: number;
  /** The size and quality made: "auto" resolved (gpt-image: 1024x1024, medium; DALL·E: standard). */
  size: string;
  quality: string;
  responseFormat: 'url' | 'b64_json';
  /** Images given to an edit (0 for a generation). */
  inputImages: number;
}

function familyOf(model: string): Family {
  if (model === 'dall-e-3') return 'dall-e-3';
  return model.startsWith('gpt-image') ? 'gpt-image' : 'dall-e-2';
}

function invalidValue(param: string, value: unknown, allowed: readonly string[]): HttpError {
  const list = allowed.map((v) => `'${v}'`).join(', ');
  return new HttpError(400, `Invalid value: ${JSON.stringify(value)}. Supported values are: ${list}.`, 'invalid_request_error', param, 'invalid_value');
}

/** An optional choice among `allowed`. */
function choice(body: Record<string, unknown>, param: string, allowed: readonly string[], fallback: string): string {
  const value = body[param];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value)) throw invalidValue(param, value, allowed);
  return value;
}

/** `n` as JSON sends it (a number) or a form does (digits). */
function readN(value: unknown, max: number): number {
  if (value === undefined || value === null) return 1;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new HttpError(400, "Invalid type for 'n': expected an integer.", 'invalid_request_error', 'n', 'invalid_type');
  }
  if (n < 1)
    throw new HttpError(
      400,
      `Invalid 'n': integer below minimum value. Expected a value >= 1, but got ${n} instead.`,
      'invalid_request_error',
      'n',
      'integer_below_min_value',
    );
  if (n > max) {
    const message =
      max === 1 ? "Invalid 'n': this model supports only n=1." : `Invalid 'n': integer above maximum value. Expected a value <= ${max}, but got ${n} instead.`;
    throw new HttpError(400, message, 'invalid_request_error', 'n', 'integer_above_max_value');
  }
  return n;
}

function readCommon(body: Record<string, unknown>, model: string, inputImages: number): ImagesRequest {
  const family = familyOf(model);
  const rules = RULES[family];
  const prompt = body.prompt;
  if (prompt === undefined || prompt === null || prompt === '') throw missingParam('prompt');
  if (typeof prompt !== 'string') throw new HttpError(400, "Invalid type for 'prompt': expected a string.", 'invalid_request_error', 'prompt', 'invalid_type');
  if (prompt.length > rules.maxPromptChars) {
    throw new HttpError(
      400,
      `Invalid 'prompt': string too long. Expected a string with maximum length ${rules.maxPromptChars}, but got a string with length ${prompt.length} instead.`,
      'invalid_request_error',
      'prompt',
      'string_above_max_length',
    );
  }
  choice(body, 'style', ['vivid', 'natural'], 'vivid');
  const format = choice(body, 'response_format', ['url', 'b64_json'], 'url');
  const size = choice(body, 'size', rules.sizes, rules.defaultSize);
  const quality = choice(body, 'quality', rules.qualities, rules.defaultQuality);
  return {
    model,
    stream: false,
    family,
    prompt,
    n: readN(body.n, rules.maxN),
    size: size === 'auto' ? '1024x1024' : size,
    quality: quality !== 'auto' ? quality : family === 'gpt-image' ? 'medium' : 'standard',
    // gpt-image models only ever answer with the image itself.
    responseFormat: family === 'gpt-image' ? 'b64_json' : (format as 'url' | 'b64_json'),
    inputImages,
  };
}

function modelOf(body: Record<string, unknown>): string {
  const model = body.model;
  if (model === undefined || model === null) return 'dall-e-2';
  if (typeof model !== 'string' || model === '')
    throw new HttpError(400, "Invalid 'model': expected a string.", 'invalid_request_error', 'model', 'invalid_type');
  return model;
}

function parseGeneration(body: Record<string, unknown>): ImagesRequest {
  return readCommon(body, modelOf(body), 0);
}

/** An edit takes `image` (or `image[]`) files: dall-e-2 exactly one, gpt-image up to 16; and an optional `mask` file. */
function parseEdit(body: Record<string, unknown>): ImagesRequest {
  const model = modelOf(body);
  if (familyOf(model) === 'dall-e-3') throw invalidValue('model', model, ['dall-e-2', 'gpt-image-1']);
  const given = [body.image, body['image[]']].flat().filter((v) => v !== undefined) as FormValue[];
  if (given.length === 0) throw missingParam('image');
  const images = given.filter(isUploadedFile);
  if (images.length < given.length) throw new HttpError(400, "Invalid 'image': expected a file upload.", 'invalid_request_error', 'image', 'invalid_type');
  const max = familyOf(model) === 'gpt-image' ? 16 : 1;
  if (images.length > max) {
    throw new HttpError(
      400,
      `Invalid 'image': this model takes at most ${max} image${max === 1 ? '' : 's'}.`,
      'invalid_request_error',
      'image',
      'invalid_value',
    );
  }
  if (images.some((image) => image.data.length === 0))
    throw new HttpError(400, "Invalid 'image': the file is empty.", 'invalid_request_error', 'image', 'invalid_value');
  if (body.mask !== undefined && !isUploadedFile(body.mask)) {
    throw new HttpError(400, "Invalid 'mask': expected one file upload.", 'invalid_request_error', 'mask', 'invalid_type');
  }
  return readCommon(body, model, images.length);
}

function usageOf(req: ImagesRequest): Record<string, unknown> {
  const textTokens = countPromptTokens([req.prompt]);
  const imageTokens = req.inputImages * IMAGE_INPUT_TOKENS;
  const output = (OUTPUT_TOKENS[req.quality]?.[req.size] ?? 0) * req.n;
  const input = textTokens + imageTokens;
  return {
    total_tokens: input + output,
    input_tokens: input,
    output_tokens: output,
    input_tokens_details: { text_tokens: textTokens, image_tokens: imageTokens },
  };
}

async function respond(res: ServerResponse, req: ImagesRequest, options: { origin: string }): Promise<void> {
  const data = Array.from({ length: req.n }, () => {
    const image = req.responseFormat === 'b64_json' ? { b64_json: MOCK_PNG_BASE64 } : { url: `${options.origin}/__mock/images/${newId('img_')}.png` };
    return req.family === 'dall-e-3' ? { ...image, revised_prompt: `A mock image of: ${req.prompt}` } : image;
  });
  if (req.family !== 'gpt-image') return sendJson(res, 200, { created: unixSeconds(), data });
  sendJson(res, 200, {
    created: unixSeconds(),
    background: 'opaque',
    data,
    output_format: 'png',
    quality: req.quality,
    size: req.size,
    usage: usageOf(req),
  });
}

export const imageGenerations: GenerationEndpoint<ImagesRequest> = { parse: parseGeneration, respond };

export const imageEdits: GenerationEndpoint<ImagesRequest> = {
  body: MULTIPART_FORM,
  parse: parseEdit,
  respond,
};
