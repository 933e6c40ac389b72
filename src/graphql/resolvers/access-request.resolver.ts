import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { AccessRequest } from "../../domain/entities";
import { AccessRequestStatusEnum } from "../../domain/enums";
import { EnterpriseNumberScalar } from "../../domain/scalars";
import type { AccessRequestStatus } from "../../domain/states";
import { accessRequestStatusAt, requestedServices } from "../../domain/access-request-status";
import { AccessRequester } from "../types/access-request.type";

/**
 * An access request reaches a caller only through their own requests (myAccessRequests, the mutations' answers) or the
 * requests they may decide (Enterprise.accessRequests); what it shows of its requester is asked of the access layer.
 * Who decided is never shown: a requester learns the decision, not who the managers are.
 */
@Resolver(() => AccessRequest)
export class AccessRequestResolver {
  @FieldResolver(() => EnterpriseNumberScalar, { description: "The enterprise's number, as the requester gave it." })
  enterprise(@Root() r: AccessRequest): string {
    return r.enterpriseNumber;
  }

  @FieldResolver(() => [String], { description: "The online service codes asked for, in catalog order." })
  onlineServices(@Root() r: AccessRequest): string[] {
    return requestedServices(r);
  }

  @FieldResolver(() => AccessRequestStatusEnum, {
    description: "Where the request stands now: an open request past `expiresAt` is EXPIRED.",
  })
  status(@Root() r: AccessRequest, @Ctx() { now }: Context): AccessRequestStatus {
    return accessRequestStatusAt(r, now);
  }

  @FieldResolver(() => AccessRequester, { description: "Who asked." })
  async requester(@Root() r: AccessRequest, @Ctx() { loaders, access, now }: Context): Promise<AccessRequester> {
    const [person, enterprise] = await Promise.all([loaders.person.load(r.personId), loaders.enterpriseByNumber.load(r.enterpriseNumber)]);
    const seesSsin = await access.seesRequesterSsin(
      { personId: r.personId, status: accessRequestStatusAt(r, now) },
      enterprise?.id ?? null,
    );
    return { givenName: person?.givenName ?? "", familyName: person?.familyName ?? "", ssin: seesSsin ? (person?.ssin ?? null) : null };
  }
}
