import type { Context } from "../../context";

/** The `asOf` argument of the fields that answer as of a past instant (src/access/history.ts). */
export const asOfDescription =
  "Answer as of this past instant instead of now, from the history the gateway keeps (\"who could file DIMONA for us on 3 March?\"). Only for the enterprise's current legal representatives and main access manager (others: FORBIDDEN, reason NOT_HISTORY_READER); an instant in the future or before the gateway's records of the enterprise begin: BAD_USER_INPUT, field asOf.";

/** What a point-in-time answer reads with: the request's viewer, reader, catalog and clock. */
export const pastOptions = ({ viewer, readManager, catalog, clock }: Context) => ({ viewer, manager: readManager, catalog, clock });
