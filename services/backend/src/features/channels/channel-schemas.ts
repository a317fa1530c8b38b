import { z } from 'zod';
import { int4, text } from '../../infra/input-fields.js';
import { MODEL_NAME } from '../models/model-schemas.js';

/** As the migration's check. */
const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAPPED_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}$/;

/** http(s) with a host, no credentials (the key has a field of its own), no query or fragment (paths are appended). */
function isUpstreamUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !!url.hostname && !url.username && !url.password && !url.search && !url.hash;
  } catch {
    return false;
  }
}

const fields = {
  name: z.string().regex(CHANNEL_NAME, 'letters, digits, . _ - (up to 64), starting with a letter or digit'),
  kind: z.enum(['openai', 'azure', 'anthropic']),
  base_url: text()
    .max(2000)
    .refine(isUpstreamUrl, 'an http:// or https:// URL, without credentials, query or fragment')
    .transform((u) => u.replace(/\/+$/, '')),
  api_key: z
    .string()
    .min(1)
    .max(4096)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .nullable(),
  api_version: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'such as 2024-10-21')
    .nullable(),
  priority: int4().min(-1000).max(1000),
  weight: int4().min(1).max(1000),
  models: z
    .array(z.string().regex(MODEL_NAME, 'a model name, or a family ending in *'))
    .max(500)
    .transform((names) => [...new Set(names)]),
  model_map: z
    .record(z.string().regex(MAPPED_NAME, 'a model name'), z.string().regex(MAPPED_NAME, 'a model or deployment name'))
    .refine((map) => Object.keys(map).length <= 500, 'at most 500 names'),
  enabled: z.boolean(),
  notes: text().max(2000),
};
/** POST /api/admin/channels. */
export const newChannel = z.object({
  ...fields,
  kind: fields.kind.default('openai'),
  api_key: fields.api_key.default(null),
  api_version: fields.api_version.default(null),
  priority: fields.priority.default(0),
  weight: fields.weight.default(1),
  models: fields.models.default([]),
  model_map: fields.model_map.default({}),
  enabled: fields.enabled.default(true),
  notes: fields.notes.default(''),
});
/** PATCH /api/admin/channels/:ref. */
export const channelChange = z
  .object(fields)
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'name at least one field to change');
