import { ADMIN_PERMISSIONS, type AdminPermission, may, type StaffRole } from '@codex-gateway/backend/staff-roles';
import { HTTP_METHODS, type HttpMethod, type JsonSchema, type OpenApiDocument, type OpenApiParameter } from '../../hooks/api/api-reference/types';

/** One operation of the description, in the shape the page draws. */
export interface ApiOperation {
  /** operationId, else method and path: the element id a link can point at. */
  id: string;
  tag: string;
  path: string;
  method: HttpMethod;
  summary: string;
  /** The description's "Who may call it: …" sentence, without its label. */
  access: string;
  permission: string | null;
  parameters: OpenApiParameter[];
  body: { required: boolean; mediaType: string; schema: JsonSchema } | null;
  /** Success answers (2XX): status and media types. */
  answers: Array<{ status: string; mediaTypes: string[] }>;
}

export interface PathGroup {
  path: string;
  operations: ApiOperation[];
}

export interface TagGroup {
  name: string;
  description: string;
  paths: PathGroup[];
}

const OTHER_TAG = 'Other';
const ACCESS_LABEL = /^Who may call it:\s*/;

/** A staff permission of the role table (the rest: anyone, signed_in, api_key). */
export const isAdminPermission = (permission: string | null): permission is AdminPermission =>
  permission !== null && (ADMIN_PERMISSIONS as readonly string[]).includes(permission);

/** Every operation of the document, in its order (the order the gateway registers its routes). */
export function operationsOf(doc: OpenApiDocument): ApiOperation[] {
  const found: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const [mediaType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      found.push({
        id: op.operationId ?? `${method}-${path}`,
        tag: op.tags?.[0] ?? OTHER_TAG,
        path,
        method,
        summary: op.summary ?? '',
        access: (op.description ?? '').replace(ACCESS_LABEL, ''),
        permission: op['x-permission'] ?? null,
        parameters: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
        body: mediaType ? { required: op.requestBody?.required === true, mediaType, schema: media?.schema ?? true } : null,
        answers: Object.entries(op.responses ?? {})
          .filter(([status]) => status.startsWith('2'))
          .map(([status, answer]) => ({ status, mediaTypes: Object.keys(answer.content ?? {}) })),
      });
    }
  }
  return found;
}

/**
 * What a person is shown: staff see every API; a customer sees the operations they may
 * call (the customer and console APIs), not the admin API's. The description itself is
 * public (/openapi.json), so this only spares customers the noise.
 */
export function visibleTo(role: StaffRole | null, op: ApiOperation): boolean {
  return role !== null || !isAdminPermission(op.permission);
}

/** For staff: whether their role holds the operation's permission (the server decides; this only marks it). */
export function roleMayCall(role: StaffRole, op: ApiOperation): boolean {
  return !isAdminPermission(op.permission) || may(role, op.permission);
}

/** Whether the operation matches the filter: every word in its path, summary or method. */
export function matchesFilter(op: ApiOperation, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${op.method} ${op.path} ${op.summary}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

/** Operations by tag (in the document's tag order), then by path (in document order). */
export function groupByTag(doc: OpenApiDocument, operations: ApiOperation[]): TagGroup[] {
  const tags = new Map<string, TagGroup>();
  for (const tag of doc.tags ?? []) tags.set(tag.name, { name: tag.name, description: tag.description ?? '', paths: [] });
  for (const op of operations) {
    let group = tags.get(op.tag);
    if (!group) {
      group = { name: op.tag, description: '', paths: [] };
      tags.set(op.tag, group);
    }
    const last = group.paths.at(-1);
    if (last?.path === op.path) last.operations.push(op);
    else group.paths.push({ path: op.path, operations: [op] });
  }
  return [...tags.values()].filter((group) => group.paths.length > 0);
}
