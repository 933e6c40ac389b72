import { Field, InputType, registerEnumType } from "type-graphql";
import type { OrderDirection, RoleAssignmentOrderField } from "../../read/role-assignment-search";

export const RoleAssignmentOrderFieldEnum: { [K in RoleAssignmentOrderField]: K } = {
  FAMILY_NAME: "FAMILY_NAME",
  GRANTED_AT: "GRANTED_AT",
  VALID_UNTIL: "VALID_UNTIL",
};
registerEnumType(RoleAssignmentOrderFieldEnum, {
  name: "RoleAssignmentOrderField",
  description: "What `roleAssignments` can be ordered by; ties are broken by the order in which the roles were granted.",
  valuesConfig: {
    FAMILY_NAME: { description: "The person's family name, then given name, regardless of case and accents." },
    GRANTED_AT: { description: "When the role was granted." },
    VALID_UNTIL: { description: "When the role expires; those without an end come last in ASC, first in DESC." },
  },
});

export const OrderDirectionEnum: { [K in OrderDirection]: K } = { ASC: "ASC", DESC: "DESC" };
registerEnumType(OrderDirectionEnum, {
  name: "OrderDirection",
  description: "Which way a list is ordered.",
  valuesConfig: {
    ASC: { description: "Smallest first: A to Z, earliest first." },
    DESC: { description: "Largest first: Z to A, latest first." },
  },
});

@InputType({
  description:
    "How to order `roleAssignments`, as GitHub's `orderBy: {field, direction}`. Cursors belong to one order: a cursor of another order (or of the list without `orderBy`) is refused with BAD_USER_INPUT on `after` or `before`.",
})
export class RoleAssignmentOrder {
  @Field(() => RoleAssignmentOrderFieldEnum, { description: "The field to order by." })
  field: RoleAssignmentOrderField;

  @Field(() => OrderDirectionEnum, { description: "ASC or DESC." })
  direction: OrderDirection;
}
