import type { FaultKind } from './soak-plan.js';
import type { StackInfo } from './stack.js';

/**
 * What the soak runs against: a cluster that it can reach and hurt. The soak itself (load,
 * schedule, bounds, books) knows nothing of how; each target (the native stack now, a
 * Swarm stack later) says how it kills, stops and slows its parts.
 */
export interface Fault {
  /** Puts the fault in place; resolves once it holds (the instance refuses connections, the service is down). Says what it struck. */
  inject(pick: number): Promise<string>;
  /** Undoes it. For a fault the target undoes by itself (a killed backend restarted by its supervisor) there is nothing to do. */
  lift(): Promise<void>;
  /** Whether the cluster is whole again: polled after the lift until it is. */
  cleared(): Promise<boolean>;
}

export interface SoakTarget {
  /** The gateway and its admin token (customers, load), the primary (the books). */
  info: Pick<StackInfo, 'gatewayUrl' | 'adminToken' | 'postgres'>;
  faults: Record<FaultKind, Fault>;
  /** Everything the target started, stopped. */
  stop(): Promise<void>;
}

export interface TargetOptions {
  /** A private directory for its data and logs. */
  dir: string;
  /** The pace of the upstreams' streams (ms between events), so that streams are open when faults strike. */
  streamChunkDelayMs: number;
}

export type StartTarget = (opts: TargetOptions) => Promise<SoakTarget>;
