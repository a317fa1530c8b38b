import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { adminApi, mockConfig, silentWav, testStack, waitForRows, waitForUsageFlushed } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });

type Row = { model: string; status_code: number; unit: string | null; units: string; prompt_tokens: number; completion_tokens: number; cost_micros: string };
const ROWS = 'SELECT model, status_code, unit, units, prompt_tokens, completion_tokens, cost_micros FROM usage_logs WHERE user_id = $1 ORDER BY created_at';
const billed = (r: Row) => [r.unit, Number(r.units), Number(r.cost_micros)];

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('images', () => {
  test('generations are billed per image at the price of their size and quality', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 50 });
    const hd = await sdk(key).images.generate({ model: 'dall-e-3', prompt: 'a lighthouse at dawn', size: '1024x1792', quality: 'hd' }).withResponse();
    assert.equal(hd.data.data?.length, 1);
    assert.equal(hd.response.headers.get('x-ratelimit-remaining-requests'), '49');
    const three = await sdk(key).images.generate({ model: 'dall-e-2', prompt: 'three cats', n: 3, size: '256x256' });
    assert.equal(three.data?.length, 3);
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 2);
    // DALL·E 3 HD 1024x1792: $0.12; DALL·E 2 256x256: $0.016 each.
    assert.deepEqual(rows.map(billed), [
      ['images', 1, 120_000],
      ['images', 3, 48_000],
    ]);
  });

  test('gpt-image-1 is billed by the tokens it reports; a size the entry does not price is not sold', async () => {
    const { key, userId } = await admin.customer();
    const image = await sdk(key).images.generate({ model: 'gpt-image-1', prompt: 'a small red kite', quality: 'low', size: '1024x1024' });
    assert.ok(image.usage, 'gpt-image-1 reports its tokens');
    const [row] = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 1);
    assert.equal(row!.prompt_tokens, image.usage.input_tokens);
    assert.equal(row!.completion_tokens, image.usage.output_tokens);
    // $5 a million in, $40 a million out: µ$ = tokens × price in $/M.
    assert.equal(Number(row!.cost_micros), image.usage.input_tokens * 5 + image.usage.output_tokens * 40);

    await assert.rejects(sdk(key).images.generate({ model: 'dall-e-3', prompt: 'tiny', size: '256x256' }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError, String(err));
      assert.equal(err.code, 'unit_not_sold');
      return true;
    });
  });

  test('an edit is an upload relayed as it came, billed per image', async () => {
    const { key, userId } = await admin.customer();
    const edited = await sdk(key).images.edit({ model: 'dall-e-2', image: await toFile(PNG, 'in.png', { type: 'image/png' }), prompt: 'add a hat', n: 2 });
    assert.equal(edited.data?.length, 2);
    const [row] = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 1);
    assert.deepEqual(billed(row!), ['images', 2, 40_000]);
    const notUpload = await fetch(`${stack.gatewayUrl}/v1/images/edits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'dall-e-2', prompt: 'x' }),
    });
    assert.equal(notUpload.status, 400);
  });

  test('a credit limit reserves every image asked: concurrent requests pass exactly as far as the day allows', async () => {
    // $0.10 a day; DALL·E 2 1024x1024 costs $0.02 an image.
    const { key, userId } = await admin.customer({ daily_credit_limit: 0.1 });
    await assert.rejects(sdk(key).images.generate({ model: 'dall-e-2', prompt: 'too many', n: 6, size: '1024x1024' }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.equal(err.code, 'daily_credit_limit_exceeded');
      return true;
    });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => sdk(key).images.generate({ model: 'dall-e-2', prompt: 'one at a time', size: '1024x1024' })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
    await waitForUsageFlushed();
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.filter((x) => x.status_code === 200).length === 5);
    assert.equal(
      rows.filter((r) => r.status_code === 200).reduce((sum, r) => sum + Number(r.cost_micros), 0),
      100_000,
    );
  });
});

describe('audio', () => {
  test('a transcription is billed per second of audio as the upstream reports it, a text answer by the WAV header', async () => {
    const { key, userId } = await admin.customer();
    const json = await sdk(key).audio.transcriptions.create({ model: 'whisper-1', file: await toFile(silentWav(3), 'a.wav', { type: 'audio/wav' }) });
    assert.match(json.text, /3(\.0)? seconds/);
    const text = await sdk(key).audio.transcriptions.create({ model: 'whisper-1', file: await toFile(silentWav(2), 'b.wav'), response_format: 'text' });
    assert.equal(typeof text, 'string');
    const translated = await sdk(key).audio.translations.create({ model: 'whisper-1', file: await toFile(silentWav(4), 'c.wav') });
    assert.ok(translated.text);
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 3);
    // Whisper: $0.006 a minute, 100 µ$ a second.
    assert.deepEqual(rows.map(billed), [
      ['seconds', 3, 300],
      ['seconds', 2, 200],
      ['seconds', 4, 400],
    ]);
  });

  test('gpt-4o-transcribe is billed by its tokens', async () => {
    const { key, userId } = await admin.customer();
    const answer = await sdk(key).audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await toFile(silentWav(5), 'd.wav') });
    const usage = answer.usage as { input_tokens: number; output_tokens: number };
    const [row] = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 1);
    assert.deepEqual([row!.prompt_tokens, row!.completion_tokens], [usage.input_tokens, usage.output_tokens]);
    // $2.50 a million in, $10 out.
    assert.equal(Number(row!.cost_micros), Math.floor(usage.input_tokens * 2.5 + usage.output_tokens * 10 + 0.5));
  });

  test('speech streams back as it is made, billed per character of input', async () => {
    const { key, userId } = await admin.customer();
    await mockConfig(stack.upstreamUrl, { chunkDelayMs: 150 });
    const input = 'Hello from the gateway, spoken aloud.';
    try {
      const started = Date.now();
      const res = await sdk(key).audio.speech.create({ model: 'tts-1', voice: 'alloy', input, response_format: 'wav' });
      assert.equal(res.headers.get('content-type'), 'audio/wav');
      const reader = res.body!.getReader();
      const arrivals: number[] = [];
      let bytes = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        arrivals.push(Date.now() - started);
        bytes += value.length;
      }
      assert.ok(bytes > 44, 'audio came');
      assert.ok(arrivals[arrivals.length - 1]! - arrivals[0]! >= 300, `the first chunk came before the last was made: ${arrivals.join(', ')} ms`);
    } finally {
      await mockConfig(stack.upstreamUrl, { chunkDelayMs: 0 });
    }
    const [row] = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 1);
    // TTS: $15 a million characters.
    assert.deepEqual(billed(row!), ['characters', input.length, Math.floor(input.length * 15 + 0.5)]);
  });

  test('speech the upstream cuts off is not billed: a 502 before the audio began, a cut connection after; bad input is a 400', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 3 });
    const speak = (model: string) =>
      fetch(`${stack.gatewayUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, voice: 'alloy', input: 'A sentence long enough for several pieces of audio to be made.', response_format: 'wav' }),
      });
    const before = await speak('mock-drop-after-1');
    assert.equal(before.status, 502);
    assert.equal(((await before.json()) as { error: { type: string } }).error.type, 'upstream_error');
    await mockConfig(stack.upstreamUrl, { chunkDelayMs: 50 });
    try {
      const after = await speak('mock-drop-after-3');
      assert.equal(after.status, 200);
      await assert.rejects(after.arrayBuffer(), 'the connection is cut: audio has no error event');
    } finally {
      await mockConfig(stack.upstreamUrl, { chunkDelayMs: 0 });
    }
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 2);
    assert.deepEqual(
      rows.map((r) => [r.status_code, Number(r.cost_micros)]),
      [
        [502, 0],
        [502, 0],
      ],
    );
    for (const body of [
      { model: 'tts-1', voice: 'alloy' },
      { model: 'tts-1', voice: 'alloy', input: 'x'.repeat(4097) },
    ]) {
      const bad = await fetch(`${stack.gatewayUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(bad.status, 400);
    }
    const notUpload = await fetch(`${stack.gatewayUrl}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'whisper-1' }),
    });
    assert.equal(notUpload.status, 400);
  });
});
