/**
 * A gateway in the test's own process, for the tests (excluded from the build): the test
 * stack's databases, Redis and upstream unless the test names others.
 */

import client from 'prom-client';
import { stackEnv } from '@codex-gateway/stack/testing';
import { type App, createApp } from './app.js';
import { loadConfig } from './infra/config.js';
import { createLogger, type Logger } from './infra/logger.js';

/**
 * An app (not a cluster, not behind nginx) with `env` over the stack's environment; `instance`
 * names it in the logs. It probes no channel on its own, so a test sees only the probes it
 * asks for; close it after.
 */
export function inProcessApp(instance: string, env: Record<string, string> = {}, logger?: Logger): App {
  const config = loadConfig({ ...stackEnv(), CHANNEL_PROBE_INTERVAL_MS: '0', ...env });
  return createApp(config, {
    logger: logger ?? createLogger({ logLevel: 'silent', instanceId: instance }),
    registry: new client.Registry(),
  });
}

/** An upstream's whole answer to a chat completion: "ok", from 5 prompt tokens and 1 completion token. */
export const okCompletion = (id: string) => ({
  id,
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});
