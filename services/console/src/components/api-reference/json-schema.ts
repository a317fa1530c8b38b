import type { JsonSchema } from '../../hooks/api/api-reference/types';

/**
 * A JSON Schema (as zod's toJSONSchema writes it for the gateway's description) read into
 * what a person needs to write a request: its types, whether null is allowed, bounds,
 * allowed values, and the fields of an object. Unknown keywords are left to the raw view.
 */

export interface SchemaField {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export type Rule =
  | {
      kind: 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum' | 'minLength' | 'maxLength' | 'minItems' | 'maxItems' | 'multipleOf';
      value: number;
    }
  | { kind: 'pattern'; value: string }
  /** A pattern or format that has a name: a date, a number written as text … */
  | { kind: 'known'; value: KnownFormat };

export type KnownFormat = 'date' | 'dateTime' | 'email' | 'uri' | 'uuid' | 'digits' | 'positiveInteger';

export interface SchemaShape {
  /** JSON types other than null ("string", "integer", "array" …); empty: anything. */
  types: string[];
  nullable: boolean;
  rules: Rule[];
  /** enum (or const) values. */
  values: unknown[] | null;
  defaultValue: { value: unknown } | null;
  description: string | null;
  /** An object's declared properties. */
  fields: SchemaField[];
  /** Fields other than the declared ones: any value (true), values of one schema, or none (null). */
  otherFields: JsonSchema | null;
  /** Rules on the names of other fields (propertyNames). */
  keyRules: Rule[];
  /** An array's items, when they say more than "anything". */
  items: JsonSchema | null;
  /** anyOf / oneOf with more than one option besides null. */
  variants: JsonSchema[];
}

const NUMBER_RULES = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'multipleOf'] as const;

const FORMATS: Record<string, KnownFormat> = { date: 'date', 'date-time': 'dateTime', email: 'email', uri: 'uri', url: 'uri', uuid: 'uuid' };

// Patterns zod writes for the gateway's common checks. The NUL refusal is on nearly every
// text field and says nothing to a client writing ordinary text (the raw view keeps it).
const SILENT_PATTERNS = new Set(['^[^\\u0000]*$']);
const NAMED_PATTERNS: Record<string, KnownFormat> = { '^[0-9]{1,16}$': 'digits', '^[1-9][0-9]{0,15}$': 'positiveInteger' };
// zod's ISO date and date-time expressions (leap years spelled out): long, and unreadable as text.
const ZOD_ISO_DATE = '^(?:(?:\\d\\d[2468][048]|';

function namedPattern(pattern: string): KnownFormat | null {
  if (pattern.startsWith(ZOD_ISO_DATE)) return pattern.includes('T(?:') ? 'dateTime' : 'date';
  return NAMED_PATTERNS[pattern] ?? null;
}

const isObject = (s: unknown): s is Record<string, unknown> => typeof s === 'object' && s !== null && !Array.isArray(s);
const isNullOnly = (s: unknown) => isObject(s) && (s.type === 'null' || (Array.isArray(s.enum) && s.enum.length === 1 && s.enum[0] === null));
/** `{}` or `true`: any value at all. */
export const isAnything = (s: unknown) => s === true || (isObject(s) && Object.keys(s).length === 0);

function emptyShape(): SchemaShape {
  return {
    types: [],
    nullable: false,
    rules: [],
    values: null,
    defaultValue: null,
    description: null,
    fields: [],
    otherFields: null,
    keyRules: [],
    items: null,
    variants: [],
  };
}

/** Adds one schema's keywords to a shape (allOf and a lone anyOf option add theirs to the same shape). */
function addKeywords(shape: SchemaShape, schema: Record<string, unknown>): void {
  const types =
    typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type.filter((t): t is string => typeof t === 'string') : [];
  for (const type of types) {
    if (type === 'null') shape.nullable = true;
    else if (!shape.types.includes(type)) shape.types.push(type);
  }
  for (const kind of NUMBER_RULES) {
    const value = schema[kind];
    if (typeof value === 'number') shape.rules.push({ kind, value });
  }
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format) shape.rules.push({ kind: 'known', value: format });
  // A format's own pattern (zod writes both) is how the format is checked, not another rule.
  if (typeof schema.pattern === 'string' && !SILENT_PATTERNS.has(schema.pattern) && !format) {
    const named = namedPattern(schema.pattern);
    shape.rules.push(named ? { kind: 'known', value: named } : { kind: 'pattern', value: schema.pattern });
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter((v) => v !== null);
    if (values.length < schema.enum.length) shape.nullable = true;
    shape.values = values;
  } else if ('const' in schema) shape.values = [schema.const];
  if ('default' in schema) shape.defaultValue = { value: schema.default };
  if (typeof schema.description === 'string') shape.description = schema.description;

  if (isObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    for (const [name, field] of Object.entries(schema.properties)) {
      shape.fields.push({ name, required: required.has(name), schema: field as JsonSchema });
    }
  }
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
    shape.otherFields = schema.additionalProperties as JsonSchema;
  }
  if (isObject(schema.propertyNames)) shape.keyRules = describeSchema(schema.propertyNames).rules;
  if (schema.items !== undefined && !isAnything(schema.items)) shape.items = schema.items as JsonSchema;

  for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
    if (isObject(part)) addKeywords(shape, part);
  }
  const options = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : [];
  const others = options.filter((option) => !isNullOnly(option));
  if (others.length < options.length) shape.nullable = true;
  if (others.length === 1 && isObject(others[0])) addKeywords(shape, others[0]);
  else if (others.length > 1) shape.variants.push(...(others as JsonSchema[]));
  // Properties without a type keyword still describe an object.
  if (shape.types.length === 0 && shape.fields.length > 0) shape.types.push('object');
}

export function describeSchema(schema: JsonSchema): SchemaShape {
  const shape = emptyShape();
  if (isObject(schema)) addKeywords(shape, schema);
  return shape;
}

/** Whether a shape has more to show below its own line (fields, items, options). */
export function hasChildren(shape: SchemaShape): boolean {
  return shape.fields.length > 0 || shape.items !== null || shape.variants.length > 0 || (shape.otherFields !== null && !isAnything(shape.otherFields));
}

/** A value as JSON, for enums and defaults ("a", 1, null, {}). */
export const asJson = (value: unknown) => JSON.stringify(value) ?? String(value);
