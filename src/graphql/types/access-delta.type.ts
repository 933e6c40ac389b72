import { createUnionType, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { AccessRequest, deltaLogKinds, type DeltaLogKind, Enterprise, RoleAssignment, ServiceProviderMandate } from "../../domain/entities";
import { DateTimeScalar, EnterpriseNumberScalar } from "../../domain/scalars";
import type { DeltaChangeType } from "../../read/access-delta";
import { EBoxModel, EnterpriseCapacityModel } from "../../read/read-models";

export const AccessDeltaChangeTypeEnum = {
  CURRENT: "CURRENT",
  CREATED: "CREATED",
  UPDATED: "UPDATED",
  REMOVED: "REMOVED",
} as const satisfies {
  [K in DeltaChangeType]: K;
};
registerEnumType(AccessDeltaChangeTypeEnum, {
  name: "AccessDeltaChangeType",
  description: "What an item of accessDelta tells: its state in a full sync, or what happened to it since the token.",
  valuesConfig: {
    CURRENT: { description: "A full sync (no token): the item as it is now." },
    CREATED: {
      description: "The item is new to you: created since, or of an enterprise you now see (synced again after a removal marker).",
    },
    UPDATED: { description: "The item changed: replace what you hold of it (several changes since the token are one)." },
    REMOVED: {
      description:
        "The item is gone from your sight (ended, expired, or its enterprise no longer visible): the item is an AccessDeltaRemoval.",
    },
  } satisfies Record<DeltaChangeType, { description: string }>,
});

export const AccessDeltaKindEnum = Object.fromEntries(deltaLogKinds.map((kind) => [kind, kind])) as { [K in DeltaLogKind]: K };
registerEnumType(AccessDeltaKindEnum, {
  name: "AccessDeltaKind",
  description: "The kind of item an accessDelta removal marker removes.",
  valuesConfig: {
    ENTERPRISE: {
      description: "An enterprise: drop everything you hold under it (its items are listed again after the marker while you still see it).",
    },
    ROLE_ASSIGNMENT: { description: "A role assignment (`RoleAssignment.id`)." },
    MANDATE: { description: "A service-provider mandate (`ServiceProviderMandate.id`)." },
    CAPACITY: { description: "A capacity of an enterprise (never removed today: it turns INACTIVE)." },
    EBOX: { description: "An e-Box (never removed today: it turns NOT_ACTIVATED)." },
    ACCESS_REQUEST: { description: "One of your own access requests (never removed: it closes, APPROVED, DENIED, WITHDRAWN or EXPIRED)." },
  } satisfies Record<DeltaLogKind, { description: string }>,
});

@ObjectType({
  description: "A removal marker (as Microsoft Graph's `@removed`): drop the item of this kind and id.",
  simpleResolvers: true,
})
export class AccessDeltaRemoval {
  @Field(() => AccessDeltaKindEnum, { description: "What kind of item is removed." })
  kind: DeltaLogKind;

  @Field(() => ID, { description: "Its id: `Enterprise.id`, `RoleAssignment.id` or `ServiceProviderMandate.id`." })
  id: string;
}

/** The name of an item's type. Synchronous and a name, as the compiled executor (graphql-jit) needs it (see schema.ts). */
export function accessDeltaItemType(value: unknown): string {
  if (value instanceof AccessDeltaRemoval) return "AccessDeltaRemoval";
  if (value instanceof RoleAssignment) return "RoleAssignment";
  if (value instanceof ServiceProviderMandate) return "ServiceProviderMandate";
  if (value instanceof EnterpriseCapacityModel) return "EnterpriseCapacity";
  if (value instanceof EBoxModel) return "EBox";
  if (value instanceof AccessRequest) return "AccessRequest";
  return "Enterprise";
}

/**
 * Open to new kinds: a client ignores a `__typename` it does not know (access requests joined it so), so adding a
 * member is not a breaking change for clients written that way.
 */
export const AccessDeltaItem = createUnionType({
  name: "AccessDeltaItem",
  description:
    "An item of accessDelta: an enterprise (its number, name, status), a role assignment, a mandate, a capacity, an e-Box, one of your own access requests, or a removal marker. More kinds may be added: ignore a __typename you do not know.",
  types: () =>
    [Enterprise, RoleAssignment, ServiceProviderMandate, EnterpriseCapacityModel, EBoxModel, AccessRequest, AccessDeltaRemoval] as const,
  resolveType: accessDeltaItemType,
});

@ObjectType({ description: "One item of accessDelta and what happened to it.", simpleResolvers: true })
export class AccessDeltaChange {
  @Field(() => AccessDeltaChangeTypeEnum, { description: "CURRENT in a full sync; CREATED, UPDATED or REMOVED since the token." })
  change: DeltaChangeType;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When the change was committed, by the database's clock; null for CURRENT items of a full sync.",
  })
  at: Date | null;

  @Field(() => EnterpriseNumberScalar, {
    description:
      "The enterprise the item is filed under: its own (a mandate under its client when you see the client, else under its provider); for one of your access requests, the enterprise number you gave, which you may not see (or which may not exist).",
  })
  enterprise: string;

  @Field(() => AccessDeltaItem, { description: "The item as it is now, or a removal marker." })
  item: typeof AccessDeltaItem;
}

@ObjectType({
  description:
    "A page of accessDelta. While `nextToken` is set, call again with it; the last page has `deltaToken` instead: keep it, and call with it later to get what changed since.",
  simpleResolvers: true,
})
export class AccessDelta {
  @Field(() => [AccessDeltaChange], { description: "The items of this page, in log order (a full sync: enterprise by enterprise)." })
  changes: AccessDeltaChange[];

  @Field(() => String, { nullable: true, description: "Set while there are more pages: pass it as `token` to get the next one." })
  nextToken: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Set on the last page: pass it as `token` later to get the changes since. Valid for DELTA_RETENTION_DAYS.",
  })
  deltaToken: string | null;
}
