import type { ChannelView } from '../../contract/admin-api.js';
import { keyHint } from './channel-admin-service.js';
import { runtimeOf } from './channel-directory.js';
import type { ChannelRow } from './channel-store.js';
import type { RuntimeChannel } from './channel-types.js';

/** A channel as staff see it, before its health and unpriced models are added. */
export type BaseView = Omit<ChannelView, 'health' | 'unpriced_models'>;

/** A channel kept in Postgres: its key's last characters, never the key. */
export function rowView(r: ChannelRow): BaseView {
  return {
    id: r.id,
    key: runtimeOf(r, undefined).key,
    name: r.name,
    kind: r.kind,
    base_url: r.base_url,
    api_version: r.api_version,
    api_key_hint: r.api_key_hint,
    priority: r.priority,
    weight: r.weight,
    models: r.models,
    model_map: r.model_map,
    enabled: r.enabled,
    disabled_reason: r.disabled_reason,
    notes: r.notes,
    managed_by_env: false,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** A channel the environment configures (UPSTREAM_*): shown, never editable here. */
export function envView(c: RuntimeChannel): BaseView {
  return {
    id: null,
    key: c.key,
    name: c.name,
    kind: c.kind,
    base_url: c.baseUrl,
    api_version: c.apiVersion ?? null,
    api_key_hint: c.apiKey ? keyHint(c.apiKey) : null,
    priority: c.priority,
    weight: c.weight,
    models: [...c.models],
    model_map: { ...c.modelMap },
    enabled: true,
    disabled_reason: null,
    notes: '',
    managed_by_env: true,
    created_at: null,
    updated_at: null,
  };
}
