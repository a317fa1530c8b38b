import { z } from 'zod';
import { BadRequestError } from '../../infra/errors.js';
import type { UnitCount } from '../../domain/money.js';
import type { ApiAdapter } from './api-adapter.js';
import { type FormBody, type FormPart, formField, formModel } from './form-body.js';
import { isRecord, parseObject } from './json.js';
import { modelDoc, ONE_PIECE, readOpenAiRequest, type RelayRequest } from './relay-request.js';
import { clientError } from './upstream-errors.js';
import type { UsageMeter } from './usage-meter.js';

/**
 * OpenAI's audio: transcriptions and translations (an upload, billed per second of audio as
 * the upstream reports it, or by its tokens) and speech (JSON in, audio streamed back
 * unbuffered, billed per character of input).
 */

/** Speech takes at most this many characters (OpenAI's bound). */
const MAX_SPEECH_CHARACTERS = 4096;
/**
 * Until the upstream says how long the audio was: a WAV header tells it exactly; any other
 * file is taken as 128 kbit/s (16,000 bytes a second, billed so when the answer does not
 * say, as text, srt and vtt answers do not) and reserved as 16 kbit/s, the lowest rate a
 * speech codec uses, so that no upload can cost more than it reserved.
 */
const BILLED_BYTES_PER_SECOND = 16_000;
const RESERVED_BYTES_PER_SECOND = 2_000;
/** Audio a model reads as tokens (gpt-4o-transcribe): ten a second, reserved twice over. */
const RESERVED_AUDIO_TOKENS_PER_SECOND = 20;

/** Seconds of a RIFF/WAVE file from its header (data bytes over byte rate), if it is one. */
export function wavSeconds(file: Buffer): number | undefined {
  if (file.length < 44 || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let byteRate = 0;
  for (let at = 12; at + 8 <= file.length; ) {
    const id = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 16 <= file.length) byteRate = file.readUInt32LE(at + 16);
    if (id === 'data') return byteRate > 0 ? Math.min(size, file.length - at - 8) / byteRate : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

function audioFile(parts: readonly FormPart[]): FormPart {
  const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
  if (!file || file.data.length === 0) throw new BadRequestError('"file" is required: the audio, as a file.', 'missing_file', 'file');
  return file;
}

function transcription(form: FormBody): RelayRequest {
  const { model, body } = formModel(form);
  const file = audioFile(form.parts);
  const exact = wavSeconds(file.data);
  const seconds = (bytesPerSecond: number): UnitCount => ({ unit: 'seconds', count: Math.max(1, Math.ceil(exact ?? file.data.length / bytesPerSecond)) });
  const ceiling = seconds(RESERVED_BYTES_PER_SECOND);
  const prompt = formField(form.parts, 'prompt') ?? '';
  return {
    body,
    model,
    ...ONE_PIECE,
    promptEstimate: ceiling.count * RESERVED_AUDIO_TOKENS_PER_SECOND + Math.ceil(prompt.length / 4),
    // The text of that much speech, at most: a few words a second.
    outputLimit: ceiling.count * 5,
    choices: 1,
    units: { planned: seconds(BILLED_BYTES_PER_SECOND), ceiling },
  };
}

/** The seconds an answer reports (usage of type duration, or verbose_json's duration), and its tokens when it counts them. */
function meterTranscription(body: string, meter: UsageMeter): void {
  const answer = parseObject(body);
  if (!answer) return;
  const usage = isRecord(answer.usage) ? answer.usage : undefined;
  if (usage?.type === 'duration' && typeof usage.seconds === 'number') meter.reportUnitCount(usage.seconds);
  else if (typeof answer.duration === 'number') meter.reportUnitCount(answer.duration);
  if (usage?.type === 'tokens') meter.report(usage);
}

const formDocs = z.looseObject({ model: modelDoc, file: z.unknown(), response_format: z.string().optional() });

export const audioTranscriptions: ApiAdapter = {
  api: 'audio',
  dialect: 'openai',
  path: '/audio/transcriptions',
  summary: 'Text of an audio upload (multipart/form-data), metered per second of audio or by tokens',
  bodyDocs: formDocs,
  parseForm: transcription,
  meterJson: meterTranscription,
  clientError,
};

export const audioTranslations: ApiAdapter = {
  ...audioTranscriptions,
  path: '/audio/translations',
  summary: 'English text of an audio upload (multipart/form-data), metered per second of audio',
};

export const audioSpeech: ApiAdapter = {
  api: 'speech',
  dialect: 'openai',
  path: '/audio/speech',
  summary: 'Speech of a text, streamed back as audio, metered per character of input',
  bodyDocs: z.looseObject({ model: modelDoc, input: z.string().min(1).max(MAX_SPEECH_CHARACTERS), voice: z.unknown(), response_format: z.string().optional() }),

  parse(json, bytes) {
    const { raw, model, body } = readOpenAiRequest(json, bytes);
    if (typeof raw.input !== 'string' || raw.input.length === 0) throw new BadRequestError('"input" is required: the text to speak.', 'missing_input', 'input');
    const characters = [...raw.input].length;
    if (characters > MAX_SPEECH_CHARACTERS) {
      throw new BadRequestError(`"input" must be at most ${MAX_SPEECH_CHARACTERS} characters.`, 'invalid_input', 'input');
    }
    const units: UnitCount = { unit: 'characters', count: characters };
    return {
      body,
      model,
      ...ONE_PIECE,
      // SSE speech (stream_format "sse") is relayed as the upstream sends it, like any binary answer.
      binary: true,
      promptEstimate: 0,
      outputLimit: 0,
      choices: 1,
      units: { planned: units, ceiling: units },
    };
  },

  meterJson: () => undefined,
  clientError,
};
