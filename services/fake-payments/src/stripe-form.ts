/**
 * Parser for Stripe's v1 request bodies: application/x-www-form-urlencoded with
 * bracket notation, as the official clients produce it
 * (`line_items[0][price_data][currency]=usd&metadata[order_no]=A1`).
 * Every leaf stays a string, exactly as Stripe receives it; the endpoint
 * decides what is a number or a boolean.
 */

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** A body Stripe would refuse; `param` names the offending parameter as Stripe errors do. */
export class FormError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

// Maps whose keys are chosen by the merchant: `metadata[0]=x` is a key "0", not a list.
const FREE_FORM_KEYS = new Set(['metadata']);
// These would reach Object.prototype through a naive `obj[key] = …` elsewhere.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const KEY_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;
const INDEX_PATTERN = /^(0|[1-9]\d{0,5})$/;

type Node = Map<string, Node | string>;

function splitKey(key: string): string[] {
  const match = KEY_PATTERN.exec(key);
  if (!match?.[1]) throw new FormError(`Invalid parameter name: ${key}`, key);
  const segments = [match[1]];
  const brackets = match[2] ?? '';
  if (brackets !== '') segments.push(...brackets.slice(1, -1).split(']['));
  for (const segment of segments) {
    if (FORBIDDEN_SEGMENTS.has(segment)) throw new FormError(`Invalid parameter name: ${key}`, key);
  }
  return segments;
}

function insert(root: Node, key: string, value: string): void {
  const segments = splitKey(key);
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    // `a[]=x&a[]=y` (rack/qs style, used by curl users) appends to the list.
    const segment = segments[i] === '' ? String(node.size) : (segments[i] as string);
    const last = i === segments.length - 1;
    const existing = node.get(segment);
    if (last) {
      if (existing instanceof Map) throw new FormError(`Invalid value for ${key}: it is also used as an object.`, key);
      node.set(segment, value);
      return;
    }
    if (typeof existing === 'string') {
      throw new FormError(`Invalid value for ${key}: a parent of it was already given a value.`, key);
    }
    const child: Node = existing ?? new Map();
    node.set(segment, child);
    node = child;
  }
}

function finalize(node: Node, name: string | undefined): FormValue {
  const entries = [...node.entries()];
  const isList = entries.length > 0 && !FREE_FORM_KEYS.has(name ?? '') && entries.every(([k]) => INDEX_PATTERN.test(k));
  if (isList) {
    // Indices give the order; gaps collapse, as clients only ever send 0..n-1 anyway.
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([k, v]) => (typeof v === 'string' ? v : finalize(v, k)));
  }
  const out: FormObject = {};
  for (const [k, v] of entries) out[k] = typeof v === 'string' ? v : finalize(v, k);
  return out;
}

export function parseStripeForm(body: string): FormObject {
  const root: Node = new Map();
  for (const [key, value] of new URLSearchParams(body)) insert(root, key, value);
  const out: FormObject = {};
  for (const [k, v] of root) out[k] = typeof v === 'string' ? v : finalize(v, k);
  return out;
}

/** Lists arrive as arrays; a free-form map (or a lone scalar) is not a list. */
export function asList(value: FormValue | undefined): FormValue[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function asObject(value: FormValue | undefined): FormObject | undefined {
  return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function asString(value: FormValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
