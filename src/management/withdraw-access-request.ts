import { AccessRequest } from "../domain/entities";
import { NotFoundError } from "../errors";
import { message } from "../i18n/messages";
import { accessRequestSummary, closeAccessRequest, requestChanged, requireOpen } from "./access-requests";
import { mutationAction } from "./mutation-action";
import { validId } from "./valid-input";

/**
 * Withdraws the caller's own open access request. Anyone else's id, whoever they are, answers as an unknown request
 * (NOT_FOUND): a request is its requester's to withdraw, and an id tells nothing of anyone else's.
 */
export const withdrawAccessRequest = mutationAction({
  mutation: "withdrawAccessRequest",
  task: null,
  audit: "WITHDRAW_ACCESS_REQUEST",
  async run(scope, input: { id: string }, act): Promise<AccessRequest> {
    const id = validId(input.id, "id");
    const request = await scope.em.findOneBy(AccessRequest, { id, personId: scope.viewer.id });
    if (!request) throw new NotFoundError(message("notFound.accessRequest"));
    requireOpen(scope, request);
    const before = accessRequestSummary(request);
    await closeAccessRequest(scope, request, { status: "WITHDRAWN" });
    await act.audit(null, { before, after: accessRequestSummary(request) });
    await requestChanged(scope, request, { decided: false });
    return request;
  },
});
