/**
 * POST /v1/audio/transcriptions and POST /v1/audio/translations (multipart: a
 * `file` and its parameters), in the wire format of the real API.
 *
 * The audio is never decoded; only its length decides the answer. The duration
 * is read from the header of a WAV file (data bytes / byte rate); any other file
 * counts 16,000 bytes per second (roughly a 128 kbit/s MP3); both are rounded to
 * 0.1 s. The text is "This is a mock transcription of <duration> seconds of
 * audio." ("translation" on the translations route).
 *
 * Usage: whisper-1 bills the duration, `{type:"duration", seconds: ceil(duration)}`;
 * the gpt-4o transcribe models bill tokens: audio tokens ceil(seconds × 10), text
 * tokens for the `prompt` (ceil(characters / 4), 0 without one), output tokens
 * ceil(text characters / 4).
 */

import type { ServerResponse } from 'node:http';
import { type GenerationEndpoint, countPromptTokens, missingParam, requireModel } from './generation.js';
import { HttpError, sendBody, sendJson } from './http-util.js';
import { MULTIPART_FORM, type UploadedFile, isUploadedFile } from './multipart.js';
import { wavDuration } from './wav.js';

type Task = 'transcribe' | 'translate';
type Format = 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt';

export interface TranscriptionRequest {
  model: string;
  stream: false;
  task: Task;
  /** gpt-4o-transcribe and gpt-4o-mini-transcribe: usage in tokens, json or text only. */
  tokenBilled: boolean;
  format: Format;
  /** Seconds, rounded to 0.1. */
  duration: number;
  language: string;
  prompt: string | undefined;
}

/** Non-WAV files: 16,000 bytes per second of audio. */
export const BYTES_PER_SECOND = 16_000;
// OpenAI's limit on the file, with its own 413.
const MAX_FILE_BYTES = 25 * 1024 * 1024;
const FORMATS: readonly Format[] = ['json', 'text', 'srt', 'verbose_json', 'vtt'];
const TOKEN_MODEL_FORMATS: readonly Format[] = ['json', 'text'];

// The language verbose_json names, by the ISO-639-1 code the request gives.
const LANGUAGES: Readonly<Record<string, string>> = {
  en: 'english',
  de: 'german',
  es: 'spanish',
  fr: 'french',
  it: 'italian',
  ja: 'japanese',
  ko: 'korean',
  nl: 'dutch',
  pt: 'portuguese',
  ru: 'russian',
  zh: 'chinese',
};

/** The seconds of audio in an upload, by the rule above. */
export function audioDuration(file: Buffer): number {
  const seconds = wavDuration(file) ?? file.length / BYTES_PER_SECOND;
  return Math.round(seconds * 10) / 10;
}

function isTokenModel(model: string): boolean {
  return model.startsWith('gpt-4o') && model.includes('transcribe');
}

function readFile(value: unknown): UploadedFile {
  if (value === undefined) throw missingParam('file');
  if (!isUploadedFile(value)) throw new HttpError(400, "Invalid 'file': expected one file upload.", 'invalid_request_error', 'file', 'invalid_type');
  if (value.data.length > MAX_FILE_BYTES) {
    throw new HttpError(
      413,
      `Maximum content size limit (${MAX_FILE_BYTES}) exceeded (${value.data.length} bytes read)`,
      'invalid_request_error',
      'file',
      null,
    );
  }
  return value;
}

function parseFor(task: Task): (body: Record<string, unknown>) => TranscriptionRequest {
  return (body) => {
    const model = requireModel(body);
    const tokenBilled = isTokenModel(model);
    // OpenAI translates with whisper-1 only.
    if (task === 'translate' && tokenBilled) {
      throw new HttpError(400, `Invalid value: '${model}'. Supported values are: 'whisper-1'.`, 'invalid_request_error', 'model', 'invalid_value');
    }
    const file = readFile(body.file);
    const format = body.response_format ?? 'json';
    if (typeof format !== 'string' || !FORMATS.includes(format as Format)) {
      throw new HttpError(
        400,
        `Invalid value: ${JSON.stringify(format)}. Supported values are: ${FORMATS.map((f) => `'${f}'`).join(', ')}.`,
        'invalid_request_error',
        'response_format',
        'invalid_value',
      );
    }
    if (tokenBilled && !TOKEN_MODEL_FORMATS.includes(format as Format)) {
      throw new HttpError(
        400,
        `response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`,
        'invalid_request_error',
        'response_format',
        'unsupported_value',
      );
    }
    const language = body.language;
    if (language !== undefined && (typeof language !== 'string' || !/^[a-z]{2}$/.test(language))) {
      throw new HttpError(
        400,
        `Invalid language '${String(language)}'. Language parameter must be specified in ISO-639-1 format.`,
        'invalid_request_error',
        'language',
        'invalid_value',
      );
    }
    const duration = audioDuration(file.data);
    if (duration < 0.1) {
      throw new HttpError(400, 'Audio file is too short. Minimum audio length is 0.1 seconds.', 'invalid_request_error', 'file', 'audio_too_short');
    }
    return {
      model,
      stream: false,
      task,
      tokenBilled,
      format: format as Format,
      duration,
      language: task === 'translate' ? 'english' : (LANGUAGES[language ?? 'en'] ?? language ?? 'english'),
      prompt: typeof body.prompt === 'string' && body.prompt !== '' ? body.prompt : undefined,
    };
  };
}

function textOf(req: TranscriptionRequest): string {
  return `This is a mock ${req.task === 'translate' ? 'translation' : 'transcription'} of ${req.duration.toFixed(1)} seconds of audio.`;
}

function usageOf(req: TranscriptionRequest, text: string): Record<string, unknown> {
  if (!req.tokenBilled) return { type: 'duration', seconds: Math.ceil(req.duration) };
  const audioTokens = Math.ceil(req.duration * 10);
  const textTokens = req.prompt === undefined ? 0 : countPromptTokens([req.prompt]);
  const outputTokens = countPromptTokens([text]);
  const input = audioTokens + textTokens;
  return {
    type: 'tokens',
    input_tokens: input,
    input_token_details: { text_tokens: textTokens, audio_tokens: audioTokens },
    output_tokens: outputTokens,
    total_tokens: input + outputTokens,
  };
}

/** A subtitle timestamp: "00:00:02,500" (SRT) or "00:00:02.500" (WebVTT). */
function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

async function respond(res: ServerResponse, req: TranscriptionRequest): Promise<void> {
  const text = textOf(req);
  // The text formats come back as text/plain, as OpenAI sends them (srt and vtt included).
  const plain = (body: string): void => sendBody(res, 200, body, 'text/plain; charset=utf-8');
  switch (req.format) {
    case 'text':
      return plain(`${text}\n`);
    case 'srt':
      return plain(`1\n${timestamp(0, ',')} --> ${timestamp(req.duration, ',')}\n${text}\n\n`);
    case 'vtt':
      return plain(`WEBVTT\n\n${timestamp(0, '.')} --> ${timestamp(req.duration, '.')}\n${text}\n\n`);
    case 'json':
      return sendJson(res, 200, { text, usage: usageOf(req, text) });
    case 'verbose_json': {
      const words = text.split(' ');
      const segment = {
        id: 0,
        seek: 0,
        start: 0,
        end: req.duration,
        text: ` ${text}`,
        tokens: words.map((_, i) => 50_364 + i),
        temperature: 0,
        avg_logprob: -0.25,
        compression_ratio: 1,
        no_speech_prob: 0.01,
      };
      return sendJson(res, 200, { task: req.task, language: req.language, duration: req.duration, text, segments: [segment], usage: usageOf(req, text) });
    }
  }
}

export const transcriptions: GenerationEndpoint<TranscriptionRequest> = { body: MULTIPART_FORM, parse: parseFor('transcribe'), respond };
export const translations: GenerationEndpoint<TranscriptionRequest> = { body: MULTIPART_FORM, parse: parseFor('translate'), respond };
