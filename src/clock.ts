/**
 * Where the gateway's "now" comes from: the instant a management action records (granted_at, ended_at, the history
 * rows, the audit event's `at`) and the "now" that a point-in-time question (`asOf`) may not be later than. Token
 * expiry, rate limits and deadlines keep the machine's time: they measure durations, not instants of record.
 *
 * The server takes one through its options (`startGateway({ clock })`); tests pass a ManualClock to replay a year of
 * changes without sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until it is set or advanced. */
export class ManualClock implements Clock {
  private instant: number;

  constructor(start: Date) {
    this.instant = start.getTime();
  }

  now(): Date {
    return new Date(this.instant);
  }

  set(instant: Date): void {
    this.instant = instant.getTime();
  }

  advance(ms: number): Date {
    this.instant += ms;
    return this.now();
  }
}
