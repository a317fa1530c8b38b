import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, mockForThisFile, postJson } from './test-support.js';
import { wavDuration, wavHeader } from './wav.js';

const upstream = mockForThisFile();

/** A WAV file of `seconds` of 16 kHz 16-bit mono silence, optionally with a LIST chunk (odd-sized, so padded) before the data. */
function wav(seconds: number, withList = false): Blob {
  const data = Buffer.alloc(Math.round(seconds * 16_000) * 2);
  const header = wavHeader(data.length, 16_000, 1, 16);
  if (!withList) return new Blob([header, data], { type: 'audio/wav' });
  const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([5, 0, 0, 0]), Buffer.from('INFO!'), Buffer.from([0])]);
  // The RIFF size is not checked by readers of the mock; the chunk order is what matters.
  return new Blob([header.subarray(0, 36), list, header.subarray(36), data], { type: 'audio/wav' });
}

function upload(path: 'transcriptions' | 'translations', fields: Record<string, string>, file?: Blob, filename = 'speech.wav'): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file !== undefined) form.append('file', file, filename);
  return fetch(`${upstream.base}/v1/audio/${path}`, { method: 'POST', body: form });
}

async function ok(res: Response): Promise<Record<string, any>> {
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, any>;
}

const TEXT = 'This is a mock transcription of 2.5 seconds of audio.';

describe('how long the audio is', () => {
  test('a WAV file: its data bytes over its byte rate, other chunks skipped; anything else: 16,000 bytes a second', async () => {
    const cases: [Blob, string][] = [
      [wav(2.5), 'speech.wav'],
      [wav(2.5, true), 'speech.wav'],
      [new Blob([Buffer.alloc(40_000, 7)], { type: 'audio/mpeg' }), 'speech.mp3'],
      // 2.46 s of MP3 bytes round to 2.5.
      [new Blob([Buffer.alloc(39_360, 7)], { type: 'audio/mpeg' }), 'speech.mp3'],
    ];
    for (const [file, filename] of cases) {
      const body = await ok(await upload('transcriptions', { model: 'whisper-1' }, file, filename));
      assert.equal(body.text, TEXT, filename);
    }
    assert.equal(wavDuration(Buffer.from('RIFF....WAVEfmt ')), undefined, 'a truncated WAV falls back to the byte rule');
  });
});

describe('POST /v1/audio/transcriptions', () => {
  test('whisper-1 json: the text and usage in seconds, rounded up', async () => {
    const body = await ok(await upload('transcriptions', { model: 'whisper-1' }, wav(2.5)));
    assert.deepEqual(body, { text: TEXT, usage: { type: 'duration', seconds: 3 } });
  });

  test('gpt-4o-transcribe json: usage in tokens, audio ceil(seconds × 10), the prompt as text tokens', async () => {
    const body = await ok(await upload('transcriptions', { model: 'gpt-4o-transcribe', prompt: 'Names: Ann.' }, wav(2.5)));
    const output = Math.ceil(TEXT.length / 4);
    assert.deepEqual(body, {
      text: TEXT,
      usage: {
        type: 'tokens',
        input_tokens: 25 + 3,
        input_token_details: { text_tokens: 3, audio_tokens: 25 },
        output_tokens: output,
        total_tokens: 28 + output,
      },
    });
    const mini = await ok(await upload('transcriptions', { model: 'gpt-4o-mini-transcribe' }, wav(2.5)));
    assert.deepEqual(mini.usage.input_token_details, { text_tokens: 0, audio_tokens: 25 });
  });

  test('verbose_json has the task, the language named, the duration and one segment', async () => {
    const body = await ok(await upload('transcriptions', { model: 'whisper-1', response_format: 'verbose_json', language: 'de', temperature: '0' }, wav(2.5)));
    assert.deepEqual(Object.keys(body), ['task', 'language', 'duration', 'text', 'segments', 'usage']);
    assert.deepEqual([body.task, body.language, body.duration, body.text], ['transcribe', 'german', 2.5, TEXT]);
    assert.equal(body.segments.length, 1);
    assert.deepEqual([body.segments[0].id, body.segments[0].start, body.segments[0].end, body.segments[0].text], [0, 0, 2.5, ` ${TEXT}`]);
    assert.deepEqual(body.usage, { type: 'duration', seconds: 3 });
  });

  test('text, srt and vtt are text/plain bodies in their formats', async () => {
    const expected: Record<string, string> = {
      text: `${TEXT}\n`,
      srt: `1\n00:00:00,000 --> 00:00:02,500\n${TEXT}\n\n`,
      vtt: `WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n${TEXT}\n\n`,
    };
    for (const [format, text] of Object.entries(expected)) {
      const res = await upload('transcriptions', { model: 'whisper-1', response_format: format }, wav(2.5));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8', format);
      assert.equal(await res.text(), text, format);
    }
    // An hour's timestamps, from a WAV of 8 bytes a second.
    const hour = new Blob([wavHeader(8 * 3725, 8, 1, 8), Buffer.alloc(8 * 3725)]);
    const long = await upload('transcriptions', { model: 'whisper-1', response_format: 'srt' }, hour);
    assert.match(await long.text(), /^1\n00:00:00,000 --> 01:02:05,000\n/);
  });

  test("bad input is OpenAI's 400 naming the parameter", async () => {
    const cases: [Record<string, string>, Blob | undefined, string][] = [
      [{ model: 'whisper-1' }, undefined, 'file'],
      [{ model: 'whisper-1', file: 'not a file' }, undefined, 'file'],
      [{}, wav(1), 'model'],
      [{ model: 'whisper-1', response_format: 'xml' }, wav(1), 'response_format'],
      [{ model: 'gpt-4o-transcribe', response_format: 'srt' }, wav(1), 'response_format'],
      [{ model: 'whisper-1', language: 'english' }, wav(1), 'language'],
      [{ model: 'whisper-1' }, new Blob([Buffer.alloc(500)]), 'file'],
    ];
    for (const [fields, file, param] of cases) {
      const res = await upload('transcriptions', fields, file);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.equal((await errorOf(res)).param, param, JSON.stringify(fields));
    }
    const short = await upload('transcriptions', { model: 'whisper-1' }, new Blob([]));
    assert.equal((await errorOf(short)).message, 'Audio file is too short. Minimum audio length is 0.1 seconds.');
    const json = await postJson(`${upstream.base}/v1/audio/transcriptions`, { model: 'whisper-1' });
    assert.equal(json.status, 400);
    await json.text();
  });

  test('model options apply; requests are counted and logged with their model', async () => {
    const failed = await upload('transcriptions', { model: 'mock-error-500' }, wav(1));
    assert.equal(failed.status, 500);
    await failed.text();
    const mock = await ok(await upload('transcriptions', { model: 'mock-slow-1', response_format: 'verbose_json' }, wav(1)));
    assert.equal(mock.usage.type, 'duration', 'mock- names follow whisper-1');
    assert.equal(upstream.mock.requests().at(-1)?.model, 'mock-slow-1');
    assert.ok((upstream.mock.stats().byEndpoint['/v1/audio/transcriptions'] ?? 0) >= 2);
  });
});

describe('POST /v1/audio/translations', () => {
  test('whisper-1 translates into English, in the same shapes', async () => {
    const body = await ok(await upload('translations', { model: 'whisper-1', response_format: 'verbose_json' }, wav(1.2)));
    assert.deepEqual([body.task, body.language, body.text], ['translate', 'english', 'This is a mock translation of 1.2 seconds of audio.']);
    const plain = await ok(await upload('translations', { model: 'whisper-1' }, wav(1.2)));
    assert.deepEqual(plain, { text: 'This is a mock translation of 1.2 seconds of audio.', usage: { type: 'duration', seconds: 2 } });
    assert.equal(upstream.mock.stats().byEndpoint['/v1/audio/translations'], 2);
  });

  test('only whisper-1 translates: a gpt-4o transcribe model is a 400', async () => {
    const res = await upload('translations', { model: 'gpt-4o-transcribe' }, wav(1));
    assert.equal(res.status, 400);
    assert.equal((await errorOf(res)).param, 'model');
  });
});
