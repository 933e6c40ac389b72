import type { AccessRequest } from "./entities/access-request.entity";
import type { AccessRequestStatus } from "./states";

/**
 * A request's status at `now`: an open request past its `expiresAt` reads EXPIRED before the sweep writes it down, as
 * an expired right reads as ended before anyone records its end.
 */
export function accessRequestStatusAt(request: Pick<AccessRequest, "storedStatus" | "expiresAt">, now: Date): AccessRequestStatus {
  return request.storedStatus === "PENDING" && request.expiresAt.getTime() <= now.getTime() ? "EXPIRED" : request.storedStatus;
}

/** The requested online services' codes, as stored (comma-separated, in catalog order). */
export const requestedServices = (request: Pick<AccessRequest, "onlineServiceCodes">): string[] =>
  request.onlineServiceCodes === "" ? [] : request.onlineServiceCodes.split(",");
