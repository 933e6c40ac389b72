import { BadUserInputError, ItemError, LocalizedError } from "../errors";
import { message } from "../i18n/messages";

/**
 * What the bulk actions (add-users.ts, set-users-online-services.ts, remove-users.ts) share: the bound on their lists,
 * each item's outcome, and how a refusal of one item refuses the call (atomic) or only that item.
 */

/** The most items one bulk call takes: its work, its audit events and its answer stay bounded. */
export const maxBulkItems = 1000;

/** The list of a bulk call, refused as a whole (BAD_USER_INPUT naming the list) when empty or over the bound, before anything is read or locked. */
export function boundedItems<T>(items: readonly T[], field: string): readonly T[] {
  if (items.length < 1 || items.length > maxBulkItems)
    throw new BadUserInputError(field, message("input.bulkItemCount", { count: items.length, max: maxBulkItems }));
  return items;
}

/** One item's outcome: its result, or its refusal. */
export type ItemOutcome<R> = { index: number; result: R; error: null } | { index: number; result: null; error: ItemError };

/** What a bulk action answers: one outcome per item of its list, in its order. */
export interface BulkOutcome<R> {
  atomic: boolean;
  items: ItemOutcome<R>[];
}

/**
 * The items of a bulk call on their way through its checks: each holds its value so far, or its refusal. A check that
 * throws a typed error refuses that item alone; anything else (a database failure) fails the call.
 */
export class BulkItems<V> {
  private readonly values: (V | null)[];
  private readonly errors: (ItemError | null)[];

  /** `field(index)`: the item's argument path (`input.users[3]`), named by the refusals of an item that name no input. */
  constructor(
    count: number,
    private readonly field: (index: number) => string,
  ) {
    this.values = new Array<V | null>(count).fill(null);
    this.errors = new Array<ItemError | null>(count).fill(null);
  }

  /** Checks every item not yet refused; the value the check returns becomes the item's. */
  check<T>(items: readonly T[], check: (item: T, index: number, value: V | null) => V): void {
    items.forEach((item, index) => {
      if (this.errors[index]) return;
      try {
        this.values[index] = check(item, index, this.values[index]);
      } catch (error) {
        if (!(error instanceof LocalizedError)) throw error;
        this.refuse(index, error);
      }
    });
  }

  refuse(index: number, refusal: LocalizedError): void {
    this.errors[index] ??= refusal instanceof ItemError ? refusal : new ItemError(refusal, index, this.field(index));
    this.values[index] = null;
  }

  /** The items still standing, with their index. */
  accepted(): { index: number; value: V }[] {
    return this.values.flatMap((value, index) => (this.errors[index] || value === null ? [] : [{ index, value }]));
  }

  /** An atomic call stops at its first refused item (the lowest index): nothing of it is written. */
  settle(atomic: boolean): void {
    const first = this.errors.find((error) => error !== null);
    if (atomic && first) throw first;
  }

  /** The answer: the results of the accepted items (by index), the refusals of the others. */
  outcome<R>(atomic: boolean, results: ReadonlyMap<number, R>): BulkOutcome<R> {
    return {
      atomic,
      items: this.errors.map((error, index) =>
        error ? { index, result: null, error } : { index, result: results.get(index)!, error: null },
      ),
    };
  }
}

/**
 * The later occurrences of a key already met in the list (the same person twice, the same assignment twice) are
 * refused, each naming the index of the first: one item may not be done twice in one call, and which of two
 * different wishes for the same user would win is not the client's to guess.
 */
export function refuseDuplicates<V>(
  items: BulkItems<V>,
  keyOf: (value: V) => string,
  refusal: (first: number, index: number) => LocalizedError,
): void {
  const first = new Map<string, number>();
  for (const { index, value } of items.accepted()) {
    const key = keyOf(value);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else items.refuse(index, refusal(earlier, index));
  }
}
