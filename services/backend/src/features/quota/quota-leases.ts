import { isLimited, windowLimits } from './limit-windows.js';
import type { Lease, Reservation, ReserveRequest } from './quota-types.js';

/** A worker spends a lease for this long at most, then gives back what is left. */
export const LEASE_MS = 1000;
/** Past this (epoch ms from its grant), a lease not given back is reclaimed by the day's next reservation: its worker died. */
export const LEASE_RECLAIM_MS = 10_000;
/** The largest lease asked for, in requests. */
const MAX_LEASE = 64;
/** The first lease a customer gets, when its requests come closer together than BUSY_GAP_MS. */
const FIRST_LEASE = 4;
const BUSY_GAP_MS = 100;

/**
 * Whether a request may be served from a lease: its plan limits nothing but the day (no
 * 5-hour or weekly window, no rate limit, no open-stream limit for a stream), whose counters
 * the lease is reserved in. Every other request reserves alone, as before.
 */
function leasable(req: ReserveRequest): boolean {
  const e = req.entitlement;
  const limits = windowLimits(e);
  return e.rpmLimit === null && !(req.stream && e.maxConcurrentStreams !== null) && !isLimited(limits.five_hour) && !isLimited(limits.week);
}

/**
 * This worker's quota leases, one per customer and day at most. A customer whose requests
 * come close together gets a lease (FIRST_LEASE requests), twice as large each time one is
 * used up before it expires (up to MAX_LEASE), back to what was used when one expires with
 * requests left. Redis decides how much is granted (never more than a share of what is left:
 * quota-scripts.ts); this module only spends it, and gives it back.
 */
export function createQuotaLeases({ giveBack }: { giveBack: (lease: Lease) => Promise<boolean> }) {
  const leases = new Map<string, Lease>();
  // Per customer and day: the lease size to ask next, and when its last request came.
  const demand = new Map<string, { size: number; lastAt: number }>();

  function close(lease: Lease): void {
    if (leases.get(lease.quotaKey) === lease) leases.delete(lease.quotaKey);
    lease.returned ??= giveBack(lease).catch(() => false);
    void lease.returned.then((closed) => {
      // Closed in Redis: what was in flight is a plain reservation now.
      if (closed) for (const r of lease.inFlight) r.lease = undefined;
    });
    const d = demand.get(lease.quotaKey);
    if (d) d.size = lease.left.req === 0 ? Math.min(MAX_LEASE, lease.size * 2) : Math.max(1, lease.size - lease.left.req);
  }

  /** `r` is drawn from `lease`: in flight until it settles; the headers tell the day as the grant left it, less what the lease still holds. */
  function spent(lease: Lease, r: Reservation): void {
    const { day, ...others } = lease.counts;
    r.lease = lease;
    r.counts = { ...others, day: { requests: day.requests - lease.left.req, tokens: day.tokens - lease.left.tok } };
    lease.inFlight.add(r);
  }

  const tick = setInterval(() => {
    const now = Date.now();
    for (const lease of leases.values()) if (lease.expiresAt <= now) close(lease);
    for (const [key, d] of demand) if (now - d.lastAt > 10 * LEASE_MS && !leases.has(key)) demand.delete(key);
  }, LEASE_MS / 4).unref();

  return {
    /** Draws `r` (a reservation of `req`) from this worker's lease for its customer and day, if one holds enough. */
    draw(req: ReserveRequest, r: Reservation): boolean {
      const lease = leases.get(r.quotaKey);
      if (!lease) return false;
      const { left } = lease;
      if (lease.terms !== req.entitlement || Date.now() >= lease.expiresAt || left.req < 1 || left.tok < req.estimate || left.cr < req.estimateCredits) {
        close(lease);
        return false;
      }
      left.req -= 1;
      left.tok -= req.estimate;
      left.cr -= req.estimateCredits;
      spent(lease, r);
      return true;
    },

    /** How many requests to ask for with this reservation (1: no lease). */
    want(req: ReserveRequest, quotaKey: string): number {
      if (!leasable(req)) return 1;
      const now = Date.now();
      const d = demand.get(quotaKey);
      if (!d) {
        demand.set(quotaKey, { size: 1, lastAt: now });
        return 1;
      }
      if (d.size === 1 && now - d.lastAt < BUSY_GAP_MS) d.size = FIRST_LEASE;
      d.lastAt = now;
      return d.size;
    },

    /** Redis granted `size` requests with `r` (the first, drawn at once). */
    opened(req: ReserveRequest, r: Reservation, size: number): void {
      const lease: Lease = {
        id: req.requestId,
        quotaKey: r.quotaKey,
        terms: req.entitlement,
        left: { req: size - 1, tok: req.estimate * (size - 1), cr: req.estimateCredits * (size - 1) },
        size,
        counts: r.counts!,
        expiresAt: Date.now() + LEASE_MS,
        inFlight: new Set(),
      };
      spent(lease, r);
      const previous = leases.get(r.quotaKey);
      leases.set(r.quotaKey, lease);
      if (previous) close(previous);
    },

    /**
     * The lease `r` was drawn from, as its settlement must name it: undefined when there is
     * none, or when its lease was closed in Redis (then `r` is a plain reservation).
     */
    async settling(r: Reservation): Promise<string | undefined> {
      const lease = r.lease;
      if (!lease) return undefined;
      lease.inFlight.delete(r);
      if (lease.returned && (await lease.returned)) return undefined;
      return lease.id;
    },

    /** Redis is lost: no lease is spent any more. What they held is reclaimed in Redis when it is back. */
    dropAll(): void {
      for (const lease of leases.values()) lease.returned ??= Promise.resolve(false);
      leases.clear();
      demand.clear();
    },

    /** Gives every lease back (the worker stops). */
    async returnAll(): Promise<void> {
      const open = [...leases.values()];
      for (const lease of open) close(lease);
      clearInterval(tick);
      await Promise.all(open.map((l) => l.returned));
    },
  };
}
