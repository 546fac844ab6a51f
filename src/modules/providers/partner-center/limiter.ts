/**
 * Client-side rate limit: at most `requests` calls per sliding `perMs` window, per partner tenant,
 * shared by every client of that tenant in this process (Partner Center allows 500 requests per
 * minute per tenant on customer and subscription resources). A caller over the limit waits —
 * through the injected sleep and clock — instead of failing.
 */
import type { Clock } from '../../../core/clock.js';

export interface RateLimit {
  requests: number;
  perMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 500, perMs: 60_000 };

export class SlidingWindowLimiter {
  /** start instants (ms) of the calls inside the current window, oldest first */
  private readonly starts: number[] = [];

  /** Calls started in the window ending at `nowMs`. */
  inWindow(nowMs: number, perMs: number): number {
    this.prune(nowMs, perMs);
    return this.starts.length;
  }

  private prune(nowMs: number, perMs: number): void {
    while (this.starts.length > 0 && this.starts[0]! <= nowMs - perMs) this.starts.shift();
  }

  /** Takes a slot, waiting as long as needed. Returns the total time waited (ms). */
  async acquire(limit: RateLimit, clock: Clock, sleep: (ms: number) => Promise<void>, signal?: AbortSignal): Promise<number> {
    const requests = Math.max(1, Math.floor(limit.requests));
    const perMs = Math.max(1, limit.perMs);
    let waited = 0;
    for (;;) {
      signal?.throwIfAborted();
      const now = clock.now().getTime();
      this.prune(now, perMs);
      if (this.starts.length < requests) {
        this.starts.push(now);
        return waited;
      }
      // the slot frees when the call that is `requests` places back leaves the window
      const wait = Math.max(1, this.starts[this.starts.length - requests]! + perMs - now);
      await sleep(wait);
      waited += wait;
    }
  }
}

const shared = new Map<string, SlidingWindowLimiter>();

/** The process-wide limiter of one partner tenant at one API host. */
export function tenantLimiter(apiBaseUrl: string, partnerTenantId: string): SlidingWindowLimiter {
  let origin: string;
  try {
    origin = new URL(apiBaseUrl).origin;
  } catch {
    origin = apiBaseUrl;
  }
  const key = `${origin}|${partnerTenantId.toLowerCase()}`;
  let l = shared.get(key);
  if (!l) {
    l = new SlidingWindowLimiter();
    shared.set(key, l);
  }
  return l;
}
