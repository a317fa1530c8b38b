import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, mockForThisFile, parseSse, payloads, postJson, readUntilEnd } from './test-support.js';
import { wavDuration } from './wav.js';

const upstream = mockForThisFile();

const HELLO = 'Hello world'; // 11 characters: 0.55 s of audio

function speak(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${upstream.base}/v1/audio/speech`, { model: 'tts-1', input: HELLO, voice: 'alloy', ...body });
}

/** The body's bytes as they arrived (each read separately), and whether the connection died before the end. */
async function readPieces(res: Response): Promise<{ bytes: Buffer; reads: number; cut: boolean }> {
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: Buffer.concat(chunks), reads: chunks.length, cut: false };
      chunks.push(value);
    }
  } catch {
    return { bytes: Buffer.concat(chunks), reads: chunks.length, cut: true };
  }
}

describe('POST /v1/audio/speech', () => {
  test('wav: a valid WAV of 0.05 s a character, 24 kHz 16-bit mono, streamed chunked without a length', async () => {
    const res = await speak({ response_format: 'wav' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    assert.equal(res.headers.get('content-length'), null);
    const { bytes, cut } = await readPieces(res);
    assert.ok(!cut);
    assert.equal(bytes.length, 44 + 11 * 2400);
    assert.equal(wavDuration(bytes), 0.55);
    assert.deepEqual([bytes.readUInt32LE(24), bytes.readUInt16LE(22), bytes.readUInt16LE(34)], [24_000, 1, 16]);
  });

  test('every format has its content type, its size per character and its magic; the same text gives the same bytes', async () => {
    const expected: [string, string, number, string][] = [
      ['mp3', 'audio/mpeg', 400, 'fffb9064'],
      ['opus', 'audio/opus', 300, '4f676753'],
      ['aac', 'audio/aac', 400, 'fff15080'],
      ['flac', 'audio/flac', 1200, '664c6143'],
      ['pcm', 'audio/pcm', 2400, '00000000'],
    ];
    for (const [format, contentType, perChar, magic] of expected) {
      const res = await speak({ response_format: format });
      assert.equal(res.headers.get('content-type'), contentType, format);
      const { bytes } = await readPieces(res);
      assert.equal(bytes.length, 11 * perChar, format);
      assert.equal(bytes.subarray(0, 4).toString('hex'), magic, format);
    }
    const mp3 = (await readPieces(await speak({}))).bytes;
    assert.equal(mp3.subarray(0, 2).toString('hex'), 'fffb', 'mp3 is the default');
    assert.deepEqual((await readPieces(await speak({}))).bytes, mp3);
    assert.notDeepEqual((await readPieces(await speak({ input: 'Hello World' }))).bytes, mp3);
  });

  test('speed shortens or lengthens the audio', async () => {
    assert.equal((await readPieces(await speak({ response_format: 'pcm', speed: 2 }))).bytes.length, 11 * 1200);
    assert.equal((await readPieces(await speak({ response_format: 'pcm', speed: 0.5 }))).bytes.length, 11 * 4800);
  });

  test('pieces of 0.25 s go out chunk-delay apart; drop-after-<n> and fail-after-<n> cut the connection after n pieces', async () => {
    const started = performance.now();
    const slow = await readPieces(await speak({ model: 'mock-chunk-delay-40', response_format: 'wav' }));
    assert.equal(slow.bytes.length, 44 + 26_400);
    // 3 pieces (12,044 + 12,000 + 2,400 bytes): 2 gaps.
    assert.ok(performance.now() - started >= 75, 'the pieces were spaced out');
    assert.ok(slow.reads >= 3, 'at least one read per piece');
    for (const model of ['mock-drop-after-2', 'mock-fail-after-2']) {
      const cut = await readPieces(await speak({ model, response_format: 'wav' }));
      assert.ok(cut.cut, model);
      assert.equal(cut.bytes.length, 44 + 24_000, model);
    }
  });

  test('stream_format sse sends the pieces base64 in speech.audio.delta events, then speech.audio.done with the usage', async () => {
    const res = await speak({ model: 'gpt-4o-mini-tts', response_format: 'pcm', stream_format: 'sse', instructions: 'Cheerful.' });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const events = payloads(parseSse((await readUntilEnd(res)).text));
    assert.deepEqual(
      events.map((e) => e.type),
      ['speech.audio.delta', 'speech.audio.delta', 'speech.audio.delta', 'speech.audio.done'],
    );
    const audio = Buffer.concat(events.slice(0, -1).map((e) => Buffer.from(e.audio, 'base64')));
    assert.equal(audio.length, 11 * 2400);
    // 11 characters: 3 input tokens; 0.55 s: 6 output tokens.
    assert.deepEqual(events.at(-1)?.usage, { input_tokens: 3, output_tokens: 6, total_tokens: 9 });
  });

  test("bad input is OpenAI's 400 naming the parameter", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ input: undefined }, 'input'],
      [{ input: '' }, 'input'],
      [{ input: 'x'.repeat(4097) }, 'input'],
      [{ voice: undefined }, 'voice'],
      [{ voice: 'robot' }, 'voice'],
      [{ response_format: 'ogg' }, 'response_format'],
      [{ speed: 4.5 }, 'speed'],
      [{ speed: '1' }, 'speed'],
      [{ model: undefined }, 'model'],
    ];
    for (const [patch, param] of cases) {
      const res = await speak(patch);
      assert.equal(res.status, 400, JSON.stringify(patch));
      assert.equal((await errorOf(res)).param, param, JSON.stringify(patch));
    }
    assert.equal((await speak({ voice: { id: 'voice_123' } })).status, 200, 'a custom voice by id');
  });

  test('model options apply: errors, slow, and empty-stream as an empty audio body', async () => {
    const failed = await speak({ model: 'mock-error-500' });
    assert.equal(failed.status, 500);
    assert.equal((await errorOf(failed)).type, 'server_error');
    const started = performance.now();
    await readPieces(await speak({ model: 'mock-slow-100' }));
    assert.ok(performance.now() - started >= 90);
    const empty = await speak({ model: 'mock-empty-stream' });
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get('content-type'), 'audio/mpeg');
    assert.equal(empty.headers.get('connection'), 'close');
    assert.equal((await readPieces(empty)).bytes.length, 0);
    assert.ok((upstream.mock.stats().byEndpoint['/v1/audio/speech'] ?? 0) >= 3);
  });
});
