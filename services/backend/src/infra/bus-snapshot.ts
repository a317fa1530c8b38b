import type { InvalidationBus, InvalidationKind } from './invalidation.js';
import type { Logger } from './logger.js';

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;

interface Options<T> {
  bus: Pick<InvalidationBus, 'on' | 'onResync'>;
  /** Messages of this kind (any id) make every worker reload. */
  kind: InvalidationKind;
  load: () => Promise<T>;
  /** What `get` answers until a load succeeded (and while none ever does). */
  initial: T;
  logger: Logger;
  /** Names the snapshot in logs. */
  what: string;
  /** A reload now and then, in case a message was lost while Redis was reachable; 0 = none. */
  refreshMs?: number;
}

/**
 * A small table held whole in every worker (channels, the model catalogue): loaded at once,
 * reloaded when the invalidation bus brings `kind` or a resync, and read on the hot path
 * without a query. A load that fails keeps what the worker had and is retried with backoff.
 * Reloads asked for while one runs are folded into one more, which starts after it: a load
 * that began before a change committed never has the last word.
 */
export function createBusSnapshot<T>({ bus, kind, load, initial, logger, what, refreshMs = 60_000 }: Options<T>) {
  let value = initial;
  let loaded = false;
  let requested = 0;
  let running: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = FIRST_RETRY_MS;
  let closed = false;

  async function drain(): Promise<void> {
    let applied = 0;
    try {
      while (applied < requested && !closed) {
        const target = requested;
        try {
          value = await load();
          loaded = true;
          applied = target;
          retryMs = FIRST_RETRY_MS;
        } catch (err) {
          logger.warn({ err: (err as Error).message, retryInMs: retryMs }, `could not load ${what}; keeping what this worker has`);
          scheduleRetry();
          return;
        }
      }
    } finally {
      // In the same tick as the loop's last check: a reload asked for after it starts a new drain.
      running = undefined;
    }
  }

  function scheduleRetry(): void {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void reload();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
  }

  function reload(): Promise<void> {
    requested += 1;
    running ??= drain();
    return running;
  }

  bus.on(kind, () => void reload());
  bus.onResync(() => void reload());
  const first = reload();
  const refresher = refreshMs > 0 ? setInterval(() => void reload(), refreshMs) : undefined;
  refresher?.unref();

  return {
    /** The snapshot: at once once loaded; the first call waits for the first load (which never throws). */
    async get(): Promise<T> {
      if (!loaded) await first;
      return value;
    },
    /** Whether a load ever succeeded in this worker. */
    loaded: () => loaded,
    /** Reloads now (and after any load running). */
    reload,
    close(): void {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(refresher);
    },
  };
}

export type BusSnapshot<T> = ReturnType<typeof createBusSnapshot<T>>;
