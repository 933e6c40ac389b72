import { Field, ObjectType, registerEnumType } from "type-graphql";
import { RoleAssignment, ServiceProviderMandate } from "../domain/entities";
import { DateTimeScalar } from "../domain/scalars";

export const expiringRightKinds = ["ROLE_ASSIGNMENT", "SERVICE_PROVIDER_MANDATE"] as const;
export type ExpiringRightKind = (typeof expiringRightKinds)[number];

export const ExpiringRightKindEnum = {
  ROLE_ASSIGNMENT: "ROLE_ASSIGNMENT",
  SERVICE_PROVIDER_MANDATE: "SERVICE_PROVIDER_MANDATE",
} as const satisfies { [K in ExpiringRightKind]: K };
registerEnumType(ExpiringRightKindEnum, {
  name: "ExpiringRightKind",
  description: "What kind of right expires.",
  valuesConfig: {
    ROLE_ASSIGNMENT: { description: "A role assignment (an access manager or a user): see `assignment`." },
    SERVICE_PROVIDER_MANDATE: { description: "A service-provider mandate of which the enterprise is the client: see `mandate`." },
  },
});

/** One item of Enterprise.expiringSoon: an assignment or a mandate that is current and has an expiry within the window. */
@ObjectType({
  description: "A current right of the enterprise that expires soon: a role assignment or a service-provider mandate, with its expiry.",
  simpleResolvers: true,
})
export class ExpiringRight {
  @Field(() => ExpiringRightKindEnum, { description: "Whether `assignment` or `mandate` is set." })
  kind: ExpiringRightKind;

  @Field(() => RoleAssignment, {
    nullable: true,
    description: "The role assignment that expires; null when `kind` is SERVICE_PROVIDER_MANDATE.",
  })
  assignment: RoleAssignment | null;

  @Field(() => ServiceProviderMandate, { nullable: true, description: "The mandate that expires; null when `kind` is ROLE_ASSIGNMENT." })
  mandate: ServiceProviderMandate | null;

  @Field(() => DateTimeScalar, { description: "When it expires: from that instant on it counts as ended." })
  validUntil: Date;
}
