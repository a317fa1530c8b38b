import { z } from 'zod';
import { BadRequestError } from '../../infra/errors.js';
import type { ApiAdapter } from './api-adapter.js';
import { formField, formInt, formModel } from './form-body.js';
import { isRecord, parseObject } from './json.js';
import { estimatePromptTokens } from './prompt-estimate.js';
import { modelDoc, ONE_PIECE, optionalInt, readOpenAiRequest, type RelayRequest, type RequestBody } from './relay-request.js';
import { clientError } from './upstream-errors.js';
import type { UsageMeter } from './usage-meter.js';

/**
 * OpenAI's images: generations (JSON) and edits (an upload). Sold per image by model, size
 * and quality at the catalogue's price (`n` reserved up front, the images returned billed),
 * and by tokens where the upstream reports them (gpt-image-1).
 */

/** OpenAI's bound on `n`. */
const MAX_IMAGES = 10;
const SIZE = /^(auto|\d{2,5}x\d{2,5})$/;
const QUALITY = /^[a-z]{1,16}$/;

/** What an image request asks: how many, of what size and quality. */
function imageAsk(model: string, fields: { n: number | undefined; size: unknown; quality: unknown }) {
  const { size = 'auto', quality = 'auto' } = fields as { size?: unknown; quality?: unknown };
  if (typeof size !== 'string' || !SIZE.test(size)) throw new BadRequestError('"size" must be such as 1024x1024, or auto.', 'invalid_size', 'size');
  if (typeof quality !== 'string' || !QUALITY.test(quality))
    throw new BadRequestError('"quality" must be a word such as standard or hd.', 'invalid_quality', 'quality');
  // DALL·E 3 calls its default quality "standard"; a price list names it so.
  const named = quality === 'auto' && model.startsWith('dall-e') ? 'standard' : quality;
  const images = { unit: 'images' as const, count: fields.n ?? 1, variant: `${size === 'auto' ? '1024x1024' : size}/${named}` };
  return { planned: images, ceiling: images };
}

function imageRequest(model: string, body: RequestBody, prompt: string, units: RelayRequest['units']): RelayRequest {
  return {
    body,
    model,
    ...ONE_PIECE,
    promptEstimate: estimatePromptTokens(prompt),
    // gpt-image-1 reports its output in tokens: the catalogue entry's ceiling per image is reserved.
    outputLimit: undefined,
    choices: units?.ceiling.count ?? 1,
    units,
  };
}

/** The images returned, and the tokens when the upstream counts them. */
function meterImages(body: string, meter: UsageMeter): void {
  const answer = parseObject(body);
  if (Array.isArray(answer?.data)) meter.reportUnitCount(answer.data.length);
  if (isRecord(answer?.usage)) meter.report(answer.usage);
}

const needPrompt = (prompt: unknown): string => {
  if (typeof prompt !== 'string' || prompt.length === 0) throw new BadRequestError('"prompt" is required.', 'missing_prompt', 'prompt');
  return prompt;
};

export const imageGenerations: ApiAdapter = {
  api: 'images',
  dialect: 'openai',
  path: '/images/generations',
  summary: 'Images from a prompt, metered per image (by size and quality) or by tokens',
  bodyDocs: z.looseObject({
    model: modelDoc,
    prompt: z.string().min(1),
    n: z.number().int().min(1).max(MAX_IMAGES).optional(),
    size: z.string().optional(),
    quality: z.string().optional(),
    response_format: z.enum(['url', 'b64_json']).optional(),
  }),

  parse(json, bytes) {
    const { raw, model, body } = readOpenAiRequest(json, bytes);
    const prompt = needPrompt(raw.prompt);
    const units = imageAsk(model, { n: optionalInt(raw, 'n', MAX_IMAGES, 'invalid_n'), size: raw.size ?? undefined, quality: raw.quality ?? undefined });
    return imageRequest(model, body, prompt, units);
  },

  meterJson: meterImages,
  clientError,
};

export const imageEdits: ApiAdapter = {
  api: 'images',
  dialect: 'openai',
  path: '/images/edits',
  summary: 'Images edited from an upload (multipart/form-data), metered per image or by tokens',
  bodyDocs: z.looseObject({ model: modelDoc, prompt: z.string().min(1), image: z.unknown(), n: z.number().int().optional() }),
  parseForm(form) {
    const { model, body } = formModel(form);
    const prompt = needPrompt(formField(form.parts, 'prompt'));
    if (!form.parts.some((p) => (p.name === 'image' || p.name === 'image[]') && p.filename !== undefined)) {
      throw new BadRequestError('"image" is required: the image to edit, as a file.', 'missing_image', 'image');
    }
    const units = imageAsk(model, { n: formInt(form, 'n', MAX_IMAGES), size: formField(form.parts, 'size'), quality: formField(form.parts, 'quality') });
    return imageRequest(model, body, prompt, units);
  },
  meterJson: meterImages,
  clientError,
};
