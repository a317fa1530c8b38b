import type { z } from 'zod';

/** What a field's schema allows: a number's range, a text's length, a choice's options. */
export interface Bounds {
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  options?: readonly string[];
}

interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  entries?: Record<string, string>;
}

const defOf = (schema: z.ZodType) => schema._zod.def as unknown as Def;

/** The schema under optional, nullable, default and transform wrappers: where the bounds are. */
function core(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/**
 * The bounds of one field of a request schema (undefined while the schema loads), so that a
 * form shows and words the backend's limits instead of a copy of them. A whole number's
 * exclusive bound (`positive()`) is given as the inclusive one (1).
 */
export function fieldBounds(schema: z.ZodType | undefined, field: string): Bounds {
  if (!schema) return {};
  const shape = defOf(core(schema)).shape;
  const fieldSchema = shape?.[field];
  if (!fieldSchema) return {};
  const def = defOf(core(fieldSchema));
  if (def.type === 'enum' && def.entries) return { options: Object.values(def.entries) };
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const whole = checks.some((c) => c.check === 'number_format');
  const step = whole ? 1 : 0;
  const bounds: Bounds = {};
  for (const c of checks) {
    if (c.check === 'greater_than' && c.value !== undefined) bounds.min = Math.max(bounds.min ?? -Infinity, c.inclusive ? c.value : c.value + step);
    else if (c.check === 'less_than' && c.value !== undefined) bounds.max = Math.min(bounds.max ?? Infinity, c.inclusive ? c.value : c.value - step);
    else if (c.check === 'min_length') bounds.minLength = c.minimum;
    else if (c.check === 'max_length') bounds.maxLength = c.maximum;
  }
  return bounds;
}
