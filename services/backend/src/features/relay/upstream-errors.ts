import type { IncomingHttpHeaders } from 'node:http';
import { errorBody } from '../../infra/errors.js';
import { isRecord, parseObject } from './json.js';

/**
 * What of the upstream's answers may reach a customer. The upstream is the operator's
 * account: its organisation, project, rate-limit headers, cookies and keys are the
 * operator's business, never the customer's.
 */

/** Response headers passed on, under the gateway's names where they would clash. */
const PASSED_HEADERS: ReadonlyArray<[upstream: string, client: string]> = [
  ['content-type', 'content-type'],
  ['openai-processing-ms', 'openai-processing-ms'],
  ['x-request-id', 'x-upstream-request-id'],
];

export function clientHeaders(upstream: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [from, to] of PASSED_HEADERS) {
    const value = upstream[from];
    if (typeof value === 'string') headers[to] = value;
  }
  return headers;
}

/** Blanks the operator's identifiers out of text from the upstream (keys, organisations, projects). */
export function redactUpstreamText(text: string): string {
  return text
    .replace(/\bsk-[A-Za-z0-9_*.-]{3,}/g, 'sk-***')
    .replace(/\borg-[A-Za-z0-9]{3,}/g, 'org-***')
    .replace(/\bproj_[A-Za-z0-9]{3,}/g, 'proj_***');
}

export interface ClientError {
  status: number;
  /** In the API's own error shape. */
  body: object;
  /** What the operator needs to know (logged, never sent). */
  cause?: string;
}

/**
 * The customer's view of an upstream error answer, in OpenAI's error shape. `refusal`: the
 * channels' judgement of a 401/403. One that refuses the operator's key: the customer gets
 * a generic 502 and the operator a log line. A 403 that refuses this
 * request alone (a model the operator's project may not use, a region, a policy) is the
 * customer's: a 403 with the upstream's words (a 401 of that kind too, so that no SDK takes
 * it for a refusal of the customer's own key). Other errors keep their status. Every
 * OpenAI-shaped field reaches the customer with the operator's identifiers blanked out.
 */
export function clientError(status: number, raw: string, refusal: 'key' | 'request' | undefined, requestId: string): ClientError {
  const error = parseObject(raw)?.error;
  const upstream = isRecord(error) ? error : undefined;
  const str = (v: unknown) => (typeof v === 'string' ? redactUpstreamText(v) : null);
  if (refusal === 'key') {
    return {
      status: 502,
      body: errorBody("The upstream provider refused the gateway's request; the operator has been told.", 'upstream_error', 'upstream_auth_failed', requestId),
      cause: `upstream answered ${status}: ${str(upstream?.message) ?? 'no message'}`,
    };
  }
  const shown = refusal === 'request' ? 403 : status;
  const message = str(upstream?.message) ?? `The upstream provider answered ${status}.`;
  const type = str(upstream?.type) ?? (status >= 500 ? 'upstream_error' : refusal === 'request' ? 'permission_error' : 'invalid_request_error');
  const body = errorBody(message, type, str(upstream?.code), requestId, str(upstream?.param));
  return { status: shown, body };
}
