/**
 * Point-in-time answers: `can`, `canUseOnlineService` and `Enterprise.roleAssignments` asked
 * `asOf` a past instant. The answer is THE decision function (decision.ts) fed by an access layer (access.ts) whose
 * loaders read the state as of that instant (src/read/history-loaders.ts): no second rule engine.
 */
import type { EntityManager } from "typeorm";
import type { Clock } from "../clock";
import { BadUserInputError, ForbiddenError } from "../errors";
import type { Catalog } from "../domain/catalog";
import type { Enterprise, Person } from "../domain/entities";
import { createLoadersAsOf, historyStart } from "../read/history-loaders";
import type { Loaders } from "../read/loaders";
import { Access } from "./access";
import { reasonMessage } from "./decision";
import { message } from "../i18n/messages";

/** The refusal of an `asOf` question to anyone but the enterprise's current legal representatives and main access manager. */
export function notHistoryReader(): ForbiddenError {
  return new ForbiddenError("NOT_HISTORY_READER", reasonMessage("NOT_HISTORY_READER", "USE_ONLINE_SERVICES"));
}

/** An `asOf` later than the gateway's now is refused: the future is not history, and "as now" would hide the mistake. */
export function checkAsOf(asOf: Date, clock: Clock): Date {
  if (Number.isNaN(asOf.getTime())) throw new BadUserInputError("asOf", message("input.asOfInvalid"));
  if (asOf.getTime() > clock.now().getTime()) throw new BadUserInputError("asOf", message("input.asOfFuture"));
  return asOf;
}

/** The state as of one past instant: its loaders, and an access layer whose every input they read as of then. */
export interface PastView {
  at: Date;
  loaders: Loaders;
  access: Access;
}

/**
 * An access layer whose every input is read as of `instant`: its `decide` and `decideOnlineService` answer as of then.
 * One per request and instant (the caller keeps it), so that the questions of one request about one instant are batched.
 */
export function pastView(
  { viewer, manager, catalog, clock }: { viewer: Person | null; manager: EntityManager; catalog: Catalog; clock: Clock },
  instant: Date,
): PastView {
  const at = checkAsOf(instant, clock);
  const loaders = createLoadersAsOf(manager, at);
  return { at, loaders, access: new Access(viewer, loaders, catalog) };
}

/**
 * The enterprise as it was at the view's instant. The gateway's records of an enterprise begin with its registration
 * (or, for one registered before history was kept, where migration 1764300000007 could reconstruct it); an instant
 * before that is refused with the instant the records begin, rather than answered as if no one had held any role then:
 * the gateway does not know.
 */
export async function enterpriseAsOf(view: PastView, manager: EntityManager, enterprise: Enterprise): Promise<Enterprise> {
  const then = await view.loaders.enterprise.load(enterprise.id);
  if (then) return then;
  const start = await historyStart(manager, enterprise.id);
  throw new BadUserInputError(
    "asOf",
    start ? message("input.asOfBeforeRecords", { start: start.toISOString() }) : message("input.asOfNoHistory"),
  );
}
