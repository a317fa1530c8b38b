import type { z } from 'zod';
import type { ApiPath } from '../channels/channel-request.js';
import type { FormBody } from './form-body.js';
import type { Dialect } from './rate-limit-headers.js';
import type { RelayRequest } from './relay-request.js';
import type { ClientError } from './upstream-errors.js';
import type { UsageMeter } from './usage-meter.js';

/**
 * One API shape the gateway meters (chat completions, responses; next Anthropic messages,
 * embeddings, images, audio). An adapter knows only its protocol: what the gateway needs
 * of a request, where an answer says what it used (a JSON body, the events of a stream),
 * and how the client is told of an upstream error. Everything else a metered request goes
 * through (request id, metrics, key, quota, channels, settlement, record) is the
 * pipeline's (metered-pipeline.ts), the same for every API. A new API is an adapter file
 * and a line where the metered routes are mounted.
 */
interface AdapterBase {
  /** The API's name in metrics labels (`api`). */
  readonly api: string;
  /** Whose protocol it is: the rate-limit headers' names (and errors' shape) follow it. */
  readonly dialect: Dialect;
  /** Where clients send it (under each of the customer API's prefixes), and where the channels are asked. */
  readonly path: ApiPath;
  /** For the API description. */
  readonly summary: string;
  /** The body as the API description shows it: what the adapter reads, every other field passed on untouched. */
  readonly bodyDocs: z.ZodType;
  /** Reads a whole JSON answer for its usage (and its id, when the channels must remember it). */
  meterJson(body: string, meter: UsageMeter): void;
  /** The customer's view of an upstream error answer (`refusal`: a 401/403 the channels judged). */
  clientError(status: number, raw: string, refusal: 'key' | 'request' | undefined, requestId: string): ClientError;
}

/** An API that takes JSON. */
interface JsonApi extends AdapterBase {
  /**
   * Checks the decoded body as far as the gateway needs it (a 400 otherwise) and reads the
   * model, the stream flag and what to reserve. `bytes`: the body as the client sent it
   * (UTF-8), to pass on unchanged when the gateway changes nothing.
   */
  parse(json: unknown, bytes: Buffer | undefined): RelayRequest;
  parseForm?: undefined;
}

/** An API that takes an upload (multipart/form-data): reads the form as `parse` reads JSON. */
interface UploadApi extends AdapterBase {
  parseForm(form: FormBody): RelayRequest;
  parse?: undefined;
}

export type ApiAdapter = JsonApi | UploadApi;
