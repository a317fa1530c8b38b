import type { IncomingMessage } from 'node:http';
import { BadRequestError, HttpError, PayloadTooLargeError } from '../../infra/errors.js';
import { optionalInt, readOpenAiRequest, type RequestBody } from './relay-request.js';

/**
 * A multipart/form-data upload (audio to transcribe, images to edit): read whole, up to
 * the upload limit, and split into its parts so that the gateway can read the fields it
 * needs (the model, how many images, what size) and the size of each file. The bytes go
 * upstream as they came, boundary and all.
 */

export interface FormPart {
  name: string;
  filename: string | undefined;
  data: Buffer;
}

export interface FormBody {
  /** The upload as the client sent it, and its content type (with the boundary). */
  bytes: Buffer;
  contentType: string;
  parts: FormPart[];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

function boundaryOf(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new BadRequestError('A multipart/form-data body needs a boundary in its Content-Type.', 'invalid_multipart');
  return boundary;
}

const dispositionParam = (header: string, param: string) => new RegExp(`;\\s*${param}="([^"]*)"`, 'i').exec(header)?.[1];

/** The parts of a multipart body; a malformed one is a 400. */
export function parseForm(body: Buffer, contentType: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new BadRequestError('The multipart body has none of its boundaries.', 'invalid_multipart');
  for (;;) {
    const after = at + delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[after] === 0x2d && body[after + 1] === 0x2d) return parts;
    const headersStart = body.indexOf(CRLF, after) + 2;
    const headersEnd = body.indexOf(HEADER_END, headersStart);
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd);
    if (headersStart < 2 || headersEnd < 0 || next < 0) throw new BadRequestError('The multipart body ends inside a part.', 'invalid_multipart');
    const headers = body.subarray(headersStart, headersEnd).toString('latin1');
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const name = dispositionParam(disposition, 'name');
    if (name === undefined) throw new BadRequestError('A multipart part has no name.', 'invalid_multipart');
    parts.push({ name, filename: dispositionParam(disposition, 'filename'), data: body.subarray(headersEnd + 4, next) });
    at = next + 2;
  }
}

/** The body of a multipart request, whole, up to `limitBytes` (a 413 past it); undefined when it is not multipart/form-data. */
export async function readForm(req: IncomingMessage, limitBytes: number): Promise<FormBody | undefined> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    throw new HttpError(415, 'An upload must not be content-encoded.', 'invalid_request_error', 'unsupported_encoding');
  }
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  return { bytes, contentType, parts: parseForm(bytes, contentType) };
}

/** A text field of the form, if it is there. */
export const formField = (parts: readonly FormPart[], name: string): string | undefined => {
  const part = parts.find((p) => p.name === name && p.filename === undefined);
  return part?.data.toString('utf8');
};

/** An upload's model, checked as a JSON body's is, and the upload as the body to relay. */
export function formModel(form: FormBody): { model: string; body: RequestBody } {
  const { model } = readOpenAiRequest({ model: formField(form.parts, 'model') }, undefined);
  return { model, body: { json: { model }, bytes: form.bytes, contentType: form.contentType } };
}

/** A form field as an integer from 1 to `max`, if present (checked as a JSON body's is). */
export function formInt(form: FormBody, field: string, max: number): number | undefined {
  const text = formField(form.parts, field);
  if (text === undefined) return undefined;
  return optionalInt({ [field]: /^\d{1,6}$/.test(text) ? Number(text) : text }, field, max, `invalid_${field}`);
}
