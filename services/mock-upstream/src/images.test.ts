import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { errorOf, mockForThisFile, postJson } from './test-support.js';

const upstream = mockForThisFile();

function generate(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${upstream.base}/v1/images/generations`, { prompt: 'A cute baby sea otter', ...body });
}

async function ok(res: Response): Promise<Record<string, any>> {
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, any>;
}

function edit(fields: Record<string, string>, files: [string, Blob, string][]): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, blob, filename] of files) form.append(name, blob, filename);
  return fetch(`${upstream.base}/v1/images/edits`, { method: 'POST', body: form });
}

const png = (): Blob => new Blob([Buffer.from('\x89PNG\r\n\x1a\n fake image bytes', 'latin1')], { type: 'image/png' });

/** A valid PNG: signature, CRC-free structure check, IHDR of 1×1 and image data that inflates. */
function assertPng(bytes: Buffer): void {
  assert.deepEqual(bytes.subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const chunks: string[] = [];
  let at = 8;
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    chunks.push(type);
    if (type === 'IHDR') assert.deepEqual([bytes.readUInt32BE(at + 8), bytes.readUInt32BE(at + 12)], [1, 1]);
    if (type === 'IDAT') assert.equal(inflateSync(bytes.subarray(at + 8, at + 8 + length)).length, 5, 'filter byte + one RGBA pixel');
    at += 12 + length;
  }
  assert.deepEqual(chunks, ['IHDR', 'IDAT', 'IEND']);
}

describe('POST /v1/images/generations', () => {
  test('dall-e-2 (the default model) answers n urls that serve a PNG from this mock', async () => {
    const before = Math.floor(Date.now() / 1000);
    const body = await ok(await generate({ n: 2, size: '512x512' }));
    assert.deepEqual(Object.keys(body), ['created', 'data']);
    assert.ok(body.created >= before && body.created <= Date.now() / 1000);
    assert.equal(body.data.length, 2);
    for (const image of body.data) {
      assert.deepEqual(Object.keys(image), ['url']);
      assert.match(image.url, new RegExp(`^${upstream.base}/__mock/images/img_[0-9a-f]{32}\\.png$`));
      const served = await fetch(image.url);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assertPng(Buffer.from(await served.arrayBuffer()));
    }
    assert.notEqual(body.data[0].url, body.data[1].url);
  });

  test('b64_json is a valid PNG; dall-e-3 adds revised_prompt', async () => {
    const body = await ok(await generate({ model: 'dall-e-3', response_format: 'b64_json', size: '1792x1024', quality: 'hd', style: 'natural' }));
    assert.equal(body.data.length, 1);
    assert.deepEqual(Object.keys(body.data[0]), ['b64_json', 'revised_prompt']);
    assertPng(Buffer.from(body.data[0].b64_json, 'base64'));
    assert.equal(body.data[0].revised_prompt, 'A mock image of: A cute baby sea otter');
  });

  test('gpt-image-1 always answers b64_json and reports usage: prompt tokens in, a fixed count per image out by quality and size', async () => {
    const body = await ok(await generate({ model: 'gpt-image-1', n: 3, quality: 'low', response_format: 'url' }));
    assert.deepEqual(Object.keys(body), ['created', 'background', 'data', 'output_format', 'quality', 'size', 'usage']);
    assert.equal(body.data.length, 3);
    assert.ok(body.data.every((d: Record<string, unknown>) => typeof d.b64_json === 'string' && d.url === undefined));
    assert.deepEqual([body.quality, body.size, body.output_format], ['low', '1024x1024', 'png']);
    // "A cute baby sea otter" is 21 characters: 6 tokens; low 1024x1024 is 272 per image.
    assert.deepEqual(body.usage, { total_tokens: 6 + 816, input_tokens: 6, output_tokens: 816, input_tokens_details: { text_tokens: 6, image_tokens: 0 } });
    const cases: [Record<string, unknown>, number][] = [
      [{}, 1056],
      [{ quality: 'medium', size: '1536x1024' }, 1568],
      [{ quality: 'high', size: '1024x1536' }, 6240],
      [{ quality: 'high', size: 'auto' }, 4160],
    ];
    for (const [params, output] of cases) {
      const usage = (await ok(await generate({ model: 'gpt-image-1', ...params }))).usage;
      assert.equal(usage.output_tokens, output, JSON.stringify(params));
    }
  });

  test("bad input is OpenAI's 400 naming the parameter", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ prompt: undefined }, 'prompt'],
      [{ prompt: '' }, 'prompt'],
      [{ prompt: 'x'.repeat(1001) }, 'prompt'],
      [{ n: 0 }, 'n'],
      [{ n: 11 }, 'n'],
      [{ n: 1.5 }, 'n'],
      [{ model: 'dall-e-3', n: 2 }, 'n'],
      [{ size: '1792x1024' }, 'size'],
      [{ model: 'dall-e-3', size: '512x512' }, 'size'],
      [{ model: 'gpt-image-1', quality: 'hd' }, 'quality'],
      [{ response_format: 'png' }, 'response_format'],
      [{ style: 'cubist' }, 'style'],
      [{ model: 7 }, 'model'],
    ];
    for (const [patch, param] of cases) {
      const res = await generate(patch);
      assert.equal(res.status, 400, JSON.stringify(patch));
      const error = await errorOf(res);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param, JSON.stringify(patch));
    }
  });

  test('behaviours by model name apply and requests are counted', async () => {
    const failed = await generate({ model: 'mock-error-500' });
    assert.equal(failed.status, 500);
    assert.equal((await errorOf(failed)).type, 'server_error');
    const mock = await ok(await generate({ model: 'mock-slow-1', response_format: 'b64_json' }));
    assert.equal(mock.data.length, 1, 'mock- names follow dall-e-2');
    assert.ok((upstream.mock.stats().byEndpoint['/v1/images/generations'] ?? 0) >= 2);
    const images = await fetch(`${upstream.base}/__mock/images/x.png`);
    await images.arrayBuffer();
    assert.equal(upstream.mock.requests().at(-1)?.path, '/v1/images/generations', 'image downloads are not logged');
  });
});

describe('POST /v1/images/edits (multipart)', () => {
  test('dall-e-2 edits one image with a mask, fields read from the form', async () => {
    const res = await edit({ prompt: 'Add a hat', n: '2', size: '256x256', response_format: 'b64_json' }, [
      ['image', png(), 'otter.png'],
      ['mask', png(), 'mask.png'],
    ]);
    const body = await ok(res);
    assert.equal(body.data.length, 2);
    assertPng(Buffer.from(body.data[1].b64_json, 'base64'));
    const [entry] = upstream.mock.requests().slice(-1);
    assert.equal(entry?.model, null, 'no model field: dall-e-2, and nothing to log');
  });

  test('gpt-image-1 takes several images (image[] too) and bills image input tokens for each', async () => {
    const res = await edit({ model: 'gpt-image-1', prompt: 'Combine them', quality: 'high' }, [
      ['image[]', png(), 'a.png'],
      ['image[]', png(), 'b.png'],
      ['image[]', png(), 'c.png'],
    ]);
    const body = await ok(res);
    // "Combine them" is 12 characters: 3 text tokens; 3 images of 256 tokens.
    assert.deepEqual(body.usage, {
      total_tokens: 3 + 768 + 4160,
      input_tokens: 771,
      output_tokens: 4160,
      input_tokens_details: { text_tokens: 3, image_tokens: 768 },
    });
    assert.equal(upstream.mock.requests().at(-1)?.model, 'gpt-image-1');
    assert.ok((upstream.mock.stats().byEndpoint['/v1/images/edits'] ?? 0) >= 1);
  });

  test('bad input is a 400: no image, an image that is not a file, two images for dall-e-2, dall-e-3, a JSON body', async () => {
    const cases: [Record<string, string>, [string, Blob, string][], string | null][] = [
      [{ prompt: 'x' }, [], 'image'],
      [{ prompt: 'x', image: 'not a file' }, [], 'image'],
      [
        { prompt: 'x' },
        [
          ['image', png(), 'a.png'],
          ['image', png(), 'b.png'],
        ],
        'image',
      ],
      [{ prompt: 'x', model: 'dall-e-3' }, [['image', png(), 'a.png']], 'model'],
      [{}, [['image', png(), 'a.png']], 'prompt'],
      [{ prompt: 'x' }, [['image', new Blob([]), 'empty.png']], 'image'],
    ];
    for (const [fields, files, param] of cases) {
      const res = await edit(fields, files);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.equal((await errorOf(res)).param, param, JSON.stringify(fields));
    }
    const json = await postJson(`${upstream.base}/v1/images/edits`, { prompt: 'x' });
    assert.equal(json.status, 400);
    assert.match((await errorOf(json)).message as string, /expected multipart\/form-data/);
  });

  test('model options in the form apply, as on every endpoint', async () => {
    const res = await edit({ prompt: 'x', model: 'mock-error-503' }, [['image', png(), 'a.png']]);
    assert.equal(res.status, 503);
    await res.text();
  });
});
