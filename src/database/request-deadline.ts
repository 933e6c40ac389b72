import { TimeoutError } from "../errors";
import { message } from "../i18n/messages";

/**
 * The time a request has (REQUEST_TIMEOUT_MS). When it runs out the signal aborts: a management action still running
 * gives up its transaction (src/database/transaction.ts), and the request answers TIMEOUT at once, unless a COMMIT is
 * already on its way to the database: then the commit's outcome is the answer, so that a request answered TIMEOUT
 * never commits afterwards.
 */
export class RequestDeadline {
  private readonly controller = new AbortController();
  private commits = 0;

  constructor(readonly timeoutMs: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get committing(): boolean {
    return this.commits > 0;
  }

  expire(): void {
    this.controller.abort(new TimeoutError("REQUEST_TIMEOUT", message("timeout.request", { timeoutMs: this.timeoutMs })));
  }

  /** Runs a COMMIT after a last look at the deadline; while it is in flight the deadline does not answer for the request. */
  async commit<T>(run: () => Promise<T>): Promise<T> {
    this.signal.throwIfAborted();
    this.commits++;
    try {
      return await run();
    } finally {
      this.commits--;
    }
  }
}
