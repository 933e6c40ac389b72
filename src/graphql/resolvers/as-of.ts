import { enterpriseAsOf, pastView, type PastView } from "../../access/history";
import type { Context } from "../../context";
import type { Enterprise } from "../../domain/entities";

/** The `asOf` argument of the fields that answer as of a past instant (src/access/history.ts). */
export const asOfDescription =
  "Answer as of this past instant instead of now, from the history the gateway keeps (\"who could file DIMONA for us on 3 March?\"). Only for the enterprise's current legal representatives and main access manager (others: FORBIDDEN, reason NOT_HISTORY_READER); an instant in the future or before the gateway's records of the enterprise begin: BAD_USER_INPUT, field asOf.";

/** The past views of each request, by instant: the fields of one request asking about one instant share their loaders. */
const views = new WeakMap<Context, Map<number, PastView>>();

/** The request's view of `instant` and the enterprise as it was then (BAD_USER_INPUT `asOf` when the gateway cannot say). */
export async function asOf(context: Context, enterprise: Enterprise, instant: Date): Promise<{ view: PastView; enterprise: Enterprise }> {
  let byInstant = views.get(context);
  if (!byInstant) views.set(context, (byInstant = new Map()));
  let view = byInstant.get(instant.getTime());
  if (!view) {
    const { viewer, readManager, catalog, clock } = context;
    view = pastView({ viewer, manager: readManager, catalog, clock }, instant);
    byInstant.set(instant.getTime(), view);
  }
  return { view, enterprise: await enterpriseAsOf(view, context.readManager, enterprise) };
}
