import type { Clock } from "../../src/clock";

/**
 * A clock a test moves by hand: the system's time plus an offset, so that what the seeds write with the real time
 * and what the gateway reads stay in order, and "a day later" costs no waiting.
 */
export class TestClock implements Clock {
  private offsetMs = 0;

  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  /** Moves "now" forward. */
  advance({ days = 0, hours = 0, seconds = 0 }: { days?: number; hours?: number; seconds?: number }): void {
    this.offsetMs += ((days * 24 + hours) * 60 * 60 + seconds) * 1000;
  }

  /** Moves "now" to just after `instant` (or further ahead if it is already there). */
  passes(instant: Date | string): void {
    const target = new Date(instant).getTime() + 1000;
    this.offsetMs = Math.max(this.offsetMs, target - Date.now());
  }
}
