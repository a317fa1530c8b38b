/**
 * multipart/form-data (RFC 7578) as the upload endpoints (image edits, audio
 * transcriptions) receive it from the OpenAI SDKs, fetch's FormData and curl -F.
 *
 * The whole body is already in memory (readBody caps it), so parts are found
 * with Buffer.indexOf on the delimiter, which is native and fast, and file
 * contents are kept as bytes, untouched. Lines end in CRLF as the RFC requires.
 */

import type { BodyFormat } from './generation.js';
import { HttpError } from './http-util.js';

/** A file part: what an upload endpoint reads of it. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Form fields by name: text as strings, files as UploadedFile; a repeated name gives an array. */
export type FormFields = Record<string, FormValue | FormValue[]>;
export type FormValue = string | UploadedFile;

// Uploads are bigger than JSON bodies: gpt-image edits take up to 16 images.
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).data);
}

function malformed(detail: string): HttpError {
  return new HttpError(400, `Could not parse multipart form: ${detail}.`, 'invalid_request_error');
}

/** The boundary of a multipart/form-data content type; a 400 for any other content type. */
export function boundaryOf(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'multipart/form-data') {
    throw new HttpError(400, `Invalid Content-Type header (${contentType ?? 'none'}), expected multipart/form-data.`, 'invalid_request_error');
  }
  const boundary = parameter(contentType ?? '', 'boundary');
  // RFC 2046: 1 to 70 characters.
  if (boundary === undefined || boundary.length === 0 || boundary.length > 70) throw malformed('no boundary in the Content-Type header');
  return boundary;
}

export function parseMultipart(body: Buffer, contentType: string | undefined): FormFields {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const nextDelimiter = Buffer.concat([CRLF, delimiter]);
  const fields: FormFields = Object.create(null);
  // A preamble before the first delimiter is allowed and ignored.
  let at = body.indexOf(delimiter);
  if (at === -1) throw malformed('the boundary never occurs');
  at += delimiter.length;
  for (;;) {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return fields; // "--": the close delimiter
    at = skipLinearWhitespace(body, at);
    if (!body.subarray(at, at + 2).equals(CRLF)) throw malformed('a delimiter is not followed by CRLF');
    at += 2;
    // A part without headers has its blank line right after the delimiter line.
    const headersEnd = body.subarray(at, at + 2).equals(CRLF) ? at - 2 : body.indexOf(HEADER_END, at);
    if (headersEnd === -1) throw malformed('a part has no end of headers');
    const headers = parseHeaders(body.subarray(at, Math.max(at, headersEnd)).toString('utf8'));
    const dataStart = headersEnd + HEADER_END.length;
    const dataEnd = body.indexOf(nextDelimiter, dataStart);
    if (dataEnd === -1) throw malformed('the body ends before the close delimiter');
    addPart(fields, headers, body.subarray(dataStart, dataEnd));
    at = dataEnd + nextDelimiter.length;
  }
}

function skipLinearWhitespace(body: Buffer, at: number): number {
  let i = at;
  while (body[i] === 0x20 || body[i] === 0x09) i++;
  return i;
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function addPart(fields: FormFields, headers: Map<string, string>, data: Buffer): void {
  const disposition = headers.get('content-disposition') ?? '';
  if (disposition.split(';')[0]?.trim().toLowerCase() !== 'form-data') throw malformed('a part is not form-data');
  const name = parameter(disposition, 'name');
  if (name === undefined) throw malformed('a part has no name');
  const filename = parameter(disposition, 'filename*') ?? parameter(disposition, 'filename');
  // A part with a filename is a file, even an empty one; without, a text field.
  const value: FormValue =
    filename === undefined
      ? data.toString('utf8')
      : { filename, contentType: headers.get('content-type') ?? 'application/octet-stream', data: Buffer.from(data) };
  const seen = fields[name];
  if (seen === undefined) fields[name] = value;
  else if (Array.isArray(seen)) seen.push(value);
  else fields[name] = [seen, value];
}

/**
 * A parameter of a header value (`name="x"`, `boundary=y`), unquoted; `filename*`
 * (RFC 5987, `UTF-8''percent-encoded`) decoded.
 */
function parameter(header: string, key: string): string | undefined {
  const pattern = new RegExp(`;\\s*${key.replace('*', '\\*')}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const match = pattern.exec(header);
  if (match === null) return undefined;
  const value = match[1] === undefined ? (match[2] ?? '') : match[1].replace(/\\(.)/g, '$1');
  if (!key.endsWith('*')) return value;
  const encoded = /^([\w-]*)'[^']*'(.*)$/.exec(value);
  try {
    return encoded === null ? value : decodeURIComponent(encoded[2] ?? '');
  } catch {
    return value;
  }
}

/** The body of the upload endpoints. */
export const MULTIPART_FORM: BodyFormat = { decode: parseMultipart, maxBytes: MAX_UPLOAD_BYTES };
