import type { AccessRequest } from "../domain/entities";
import {
  accessRequestSummary,
  closeAccessRequest,
  requestChanged,
  ofAccessRequest,
  requireOpen,
  validRequestText,
} from "./access-requests";
import { mutationAction } from "./mutation-action";

/** Denies an open access request, with a reason for the requester if the decider gives one. Answers the request. */
export const denyAccessRequest = mutationAction({
  mutation: "denyAccessRequest",
  task: "MANAGE_USERS",
  target: ofAccessRequest(),
  async run(scope, input: { id: string; reason?: string | null }, act): Promise<AccessRequest> {
    const reason = validRequestText(input.reason, "reason");
    const { enterprise, request } = await act.locate();
    requireOpen(scope, request);
    const before = accessRequestSummary(request);
    await closeAccessRequest(scope, request, { status: "DENIED", reason });
    await requestChanged(scope, request, { enterpriseId: enterprise.id, decided: true });
    await act.audit(enterprise, { before, after: accessRequestSummary(request) });
    return request;
  },
});
