import { z } from 'zod';
import { BadRequestError } from '../../infra/errors.js';
import type { ApiAdapter } from './api-adapter.js';
import { estimatePromptTokens } from './prompt-estimate.js';
import { modelDoc, ONE_PIECE, readOpenAiRequest } from './relay-request.js';
import { clientError } from './upstream-errors.js';

/**
 * OpenAI's embeddings (`POST /v1/embeddings`): metered by input tokens (a batch counted
 * whole), priced per million at the model's input price; nothing is written, so nothing is
 * reserved for output. `encoding_format`, `dimensions` and the rest pass through.
 */

/** Most inputs in one request, as OpenAI bounds it. */
const MAX_INPUTS = 2048;

/** The input's tokens before the upstream says: text estimated, token arrays counted. */
function inputTokens(input: unknown): number {
  if (typeof input === 'string') return estimatePromptTokens(input);
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) {
    throw new BadRequestError(`"input" must be a string or an array of 1 to ${MAX_INPUTS} strings or token arrays.`, 'invalid_input', 'input');
  }
  // One array of token ids is one input; an array of strings or of token arrays is a batch.
  if (input.every((t) => typeof t === 'number')) return input.length;
  let tokens = 0;
  for (const item of input) {
    if (typeof item === 'string') tokens += estimatePromptTokens(item);
    else if (Array.isArray(item)) tokens += item.length;
    else throw new BadRequestError('"input" items must be strings or arrays of token ids.', 'invalid_input', 'input');
  }
  return Math.max(1, tokens);
}

export const embeddings: ApiAdapter = {
  api: 'embeddings',
  dialect: 'openai',
  path: '/embeddings',
  summary: 'Embeddings of text or token arrays, metered by input tokens',
  bodyDocs: z.looseObject({
    model: modelDoc,
    input: z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int().min(1).optional(),
  }),

  parse(json, bytes) {
    const { raw, model, body } = readOpenAiRequest(json, bytes);
    if (raw.input === undefined || raw.input === null) throw new BadRequestError('"input" is required.', 'missing_input', 'input');
    return {
      body,
      model,
      // Embeddings are one JSON answer; a stream flag is the upstream's to refuse.
      ...ONE_PIECE,
      promptEstimate: inputTokens(raw.input),
      outputLimit: 0,
      choices: 1,
    };
  },

  meterJson: (body, meter) => meter.observeJson(body),
  clientError,
};
