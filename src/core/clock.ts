/**
 * Time is injected. Every use case, job and decision asks a Clock for "now";
 * nothing calls `new Date()` for business time.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at a fixed instant and only moves when told to. */
export class TestClock implements Clock {
  private ms: number;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.ms = new Date(start).getTime();
    if (Number.isNaN(this.ms)) throw new RangeError(`invalid start instant: ${String(start)}`);
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(at: Date | string): void {
    const ms = new Date(at).getTime();
    if (Number.isNaN(ms)) throw new RangeError(`invalid instant: ${String(at)}`);
    this.ms = ms;
  }
  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number }): Date {
    this.ms +=
      (by.days ?? 0) * 86_400_000 +
      (by.hours ?? 0) * 3_600_000 +
      (by.minutes ?? 0) * 60_000 +
      (by.seconds ?? 0) * 1000 +
      (by.ms ?? 0);
    return this.now();
  }
}

/**
 * A clock offset from the system clock: simulations and demos run "as of" another date
 * while time still passes (PARTNERDESK_CLOCK_START).
 */
export function offsetClock(offsetMs: number, base: Clock = systemClock): Clock {
  return { now: () => new Date(base.now().getTime() + offsetMs) };
}

export function addMs(d: Date, ms: number): Date {
  return new Date(d.getTime() + ms);
}
