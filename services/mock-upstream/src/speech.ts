/**
 * POST /v1/audio/speech: text in, audio out, streamed back in pieces as the
 * real API streams it (chunked transfer encoding, no content-length).
 *
 * The audio is as long as the text: 0.05 s per input character, divided by
 * `speed`. Its bytes per character at speed 1: wav and pcm 2,400 (24 kHz,
 * 16-bit, mono, as OpenAI's are; silence, so a player plays them), flac 1,200,
 * mp3 and aac 400, opus 300; wav adds its 44-byte header. The formats other
 * than wav and pcm are deterministic bytes that begin with the format's magic
 * (so a sniffer recognises them) but do not decode. One piece carries 0.25 s
 * of audio; pieces go out chunkDelayMs apart, and drop-after-<n> / fail-after-<n>
 * cut the connection after n of them (audio has no in-band error).
 *
 * `stream_format: "sse"` (gpt-4o-mini-tts) sends the same pieces base64 in
 * `speech.audio.delta` events, then `speech.audio.done` with the usage: input
 * tokens ceil(characters / 4), output tokens ceil(seconds × 10).
 */

import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type GenerationEndpoint, type RespondOptions, countPromptTokens, interruptionAt, missingParam, requireModel } from './generation.js';
import { HttpError, isRecord, sendBody } from './http-util.js';
import { ResponseStream } from './response-stream.js';
import { SseStream } from './sse-stream.js';
import { wavHeader } from './wav.js';

type AudioFormat = 'mp3' | 'opus' | 'aac' | 'flac' | 'wav' | 'pcm';

interface FormatSpec {
  contentType: string;
  bytesPerChar: number;
  /** The first bytes of the format's files; silence when absent. */
  magic?: Buffer;
}

const FORMATS: Readonly<Record<AudioFormat, FormatSpec>> = {
  mp3: { contentType: 'audio/mpeg', bytesPerChar: 400, magic: Buffer.from([0xff, 0xfb, 0x90, 0x64]) },
  opus: { contentType: 'audio/opus', bytesPerChar: 300, magic: Buffer.from('OggS') },
  aac: { contentType: 'audio/aac', bytesPerChar: 400, magic: Buffer.from([0xff, 0xf1, 0x50, 0x80]) },
  flac: { contentType: 'audio/flac', bytesPerChar: 1200, magic: Buffer.from('fLaC') },
  wav: { contentType: 'audio/wav', bytesPerChar: 2400 },
  pcm: { contentType: 'audio/pcm', bytesPerChar: 2400 },
};

export const SECONDS_PER_CHAR = 0.05;
const SAMPLE_RATE = 24_000;
const CHARS_PER_PIECE = 5;
const MAX_INPUT_CHARS = 4096;
const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];

export interface SpeechRequest {
  model: string;
  /** The answer always goes out in pieces, so an interruption is the stream's business. */
  stream: true;
  input: string;
  format: AudioFormat;
  speed: number;
  sse: boolean;
}

function invalidValue(param: string, value: unknown, allowed: readonly string[]): HttpError {
  const list = allowed.map((v) => `'${v}'`).join(', ');
  return new HttpError(400, `Invalid value: ${JSON.stringify(value)}. Supported values are: ${list}.`, 'invalid_request_error', param, 'invalid_value');
}

function parse(body: Record<string, unknown>): SpeechRequest {
  const model = requireModel(body);
  const input = body.input;
  if (input === undefined || input === null || input === '') throw missingParam('input');
  if (typeof input !== 'string') throw new HttpError(400, "Invalid type for 'input': expected a string.", 'invalid_request_error', 'input', 'invalid_type');
  if (input.length > MAX_INPUT_CHARS) {
    throw new HttpError(
      400,
      `Invalid 'input': string too long. Expected a string with maximum length ${MAX_INPUT_CHARS}, but got a string with length ${input.length} instead.`,
      'invalid_request_error',
      'input',
      'string_above_max_length',
    );
  }
  const voice = body.voice;
  if (voice === undefined || voice === null) throw missingParam('voice');
  // A custom voice is an object with its id.
  if (!(typeof voice === 'string' && VOICES.includes(voice)) && !(isRecord(voice) && typeof voice.id === 'string')) throw invalidValue('voice', voice, VOICES);
  const format = body.response_format ?? 'mp3';
  if (typeof format !== 'string' || !Object.hasOwn(FORMATS, format)) throw invalidValue('response_format', format, Object.keys(FORMATS));
  const speed = body.speed ?? 1;
  if (typeof speed !== 'number' || !(speed >= 0.25 && speed <= 4)) {
    throw new HttpError(400, "Invalid 'speed': expected a number from 0.25 to 4.0.", 'invalid_request_error', 'speed', 'invalid_value');
  }
  const streamFormat = body.stream_format ?? 'audio';
  if (streamFormat !== 'audio' && streamFormat !== 'sse') throw invalidValue('stream_format', streamFormat, ['audio', 'sse']);
  return { model, stream: true, input, format: format as AudioFormat, speed, sse: streamFormat === 'sse' };
}

/** The whole audio, in its pieces; the wav header rides in the first. */
export function speechPieces(req: Pick<SpeechRequest, 'input' | 'format' | 'speed'>): Buffer[] {
  const spec = FORMATS[req.format];
  // 16-bit samples: wav and pcm keep an even length.
  const even = (n: number): number => 2 * Math.round(n / 2);
  const size = even((req.input.length * spec.bytesPerChar) / req.speed);
  const pieceSize = even(CHARS_PER_PIECE * spec.bytesPerChar);
  let audio: Buffer;
  if (spec.magic === undefined) {
    audio = Buffer.alloc(size);
  } else {
    const pattern = Buffer.concat([spec.magic, createHash('sha256').update(req.input).digest()]);
    audio = Buffer.alloc(size, pattern);
  }
  const pieces: Buffer[] = [];
  for (let at = 0; at < size; at += pieceSize) pieces.push(audio.subarray(at, at + pieceSize));
  if (req.format === 'wav') pieces[0] = Buffer.concat([wavHeader(size, SAMPLE_RATE, 1, 16), pieces[0] ?? Buffer.alloc(0)]);
  return pieces;
}

async function respond(res: ServerResponse, req: SpeechRequest, options: RespondOptions): Promise<void> {
  const pieces = speechPieces(req);
  if (req.sse) {
    const sse = new SseStream(res, options.chunkDelayMs, options.framing);
    sse.open();
    const delta = (piece: Buffer): Promise<boolean> => sse.send(JSON.stringify({ type: 'speech.audio.delta', audio: piece.toString('base64') }));
    if (!(await sendPieces(sse, pieces, delta, options))) return;
    const inputTokens = countPromptTokens([req.input]);
    const outputTokens = Math.ceil(((req.input.length * SECONDS_PER_CHAR) / req.speed) * 10);
    const usage = { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
    if (await sse.send(JSON.stringify({ type: 'speech.audio.done', usage }))) sse.end();
    return;
  }
  const audio = new ResponseStream(res, options.chunkDelayMs);
  audio.begin({ 'content-type': FORMATS[req.format].contentType, connection: 'keep-alive' });
  if (await sendPieces(audio, pieces, (piece) => audio.write(piece), options)) audio.end();
}

/** Writes the pieces; false when the client went away or drop-/fail-after cut the stream. */
async function sendPieces(
  stream: ResponseStream,
  pieces: readonly Buffer[],
  write: (piece: Buffer) => Promise<boolean>,
  options: RespondOptions,
): Promise<boolean> {
  for (const [i, piece] of pieces.entries()) {
    // Audio carries no error of its own: a failure mid-way is a cut connection too.
    if (interruptionAt(options, i) !== undefined) {
      stream.drop();
      return false;
    }
    if (!(await write(piece))) return false;
  }
  if (interruptionAt(options, Number.POSITIVE_INFINITY) === undefined) return true;
  stream.drop();
  return false;
}

/** empty-stream: the audio's headers, then an empty body and a closed connection. */
function emptyAnswer(res: ServerResponse, req: SpeechRequest): void {
  sendBody(res, 200, '', req.sse ? 'text/event-stream' : FORMATS[req.format].contentType, { connection: 'close' });
}

export const speech: GenerationEndpoint<SpeechRequest> = { parse, respond, emptyAnswer };
