import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError } from './http-util.js';
import { type UploadedFile, parseMultipart } from './multipart.js';

/** The bytes and content type fetch sends for a FormData body. */
async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const request = new Request('http://mock.invalid/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}

function rejects400(body: Buffer | string, contentType: string | undefined): void {
  assert.throws(
    () => parseMultipart(Buffer.from(body), contentType),
    (err: unknown) => err instanceof HttpError && err.status === 400,
  );
}

// Every byte value, with CR, LF and dashes in runs that look like a delimiter line.
const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\r\n--\r\n\r\n--x--\r\n')]);

describe('multipart/form-data', () => {
  test("reads what fetch's FormData sends: text fields, binary files byte for byte, repeated names as arrays", async () => {
    const form = new FormData();
    form.append('model', 'gpt-image-1');
    form.append('prompt', 'A cat, "quoted"\r\nover two lines: ünïcødé');
    form.append('image[]', new Blob([binary], { type: 'image/png' }), 'first.png');
    form.append('image[]', new Blob([Buffer.from('second')], { type: 'image/webp' }), 'sec ond "2".webp');
    form.append('empty', new Blob([]), 'empty.bin');
    const { body, contentType } = await encode(form);
    const fields = parseMultipart(body, contentType);
    assert.equal(fields.model, 'gpt-image-1');
    assert.equal(fields.prompt, 'A cat, "quoted"\r\nover two lines: ünïcødé');
    const images = fields['image[]'] as UploadedFile[];
    assert.equal(images.length, 2);
    assert.deepEqual(images[0]?.data, binary);
    assert.equal(images[0]?.filename, 'first.png');
    assert.equal(images[0]?.contentType, 'image/png');
    assert.equal(images[1]?.data.toString(), 'second');
    assert.equal(images[1]?.contentType, 'image/webp');
    assert.match(images[1]?.filename ?? '', /^sec ond /);
    assert.equal((fields.empty as UploadedFile).data.length, 0, 'a file part with no bytes is still a file');
  });

  test('a preamble and an epilogue are ignored, the boundary may be quoted, a part may have no headers but its name', () => {
    const body = [
      'This is a preamble.',
      '--b"1',
      'Content-Disposition: form-data; name="a"',
      '',
      'one',
      '--b"1',
      "content-disposition: form-data; name=b; filename*=UTF-8''n%C3%A4me.txt",
      'Content-Type: text/plain',
      '',
      'two',
      '--b"1--',
      'epilogue',
    ].join('\r\n');
    const fields = parseMultipart(Buffer.from(body), 'multipart/form-data; charset=utf-8; boundary="b\\"1"');
    assert.equal(fields.a, 'one');
    assert.deepEqual(fields.b, { filename: 'näme.txt', contentType: 'text/plain', data: Buffer.from('two') });
  });

  test('anything else is a 400: another content type, no boundary, no close delimiter, a part without a name', () => {
    const part = '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n';
    rejects400(`${part}--x--`, 'application/json');
    rejects400(`${part}--x--`, undefined);
    rejects400(`${part}--x--`, 'multipart/form-data');
    rejects400(part, 'multipart/form-data; boundary=x');
    rejects400('no delimiter at all', 'multipart/form-data; boundary=x');
    rejects400('--x\r\nContent-Disposition: form-data\r\n\r\n1\r\n--x--', 'multipart/form-data; boundary=x');
    rejects400('--x\r\nContent-Disposition: form-data; name="a"\r\n1\r\n--x--', 'multipart/form-data; boundary=x');
    assert.deepEqual(parseMultipart(Buffer.from(`${part}--x--`), 'multipart/form-data; boundary=x'), Object.assign(Object.create(null), { a: '1' }));
  });
});
