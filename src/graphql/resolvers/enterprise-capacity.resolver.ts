import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { CatalogCapacity } from "../../domain/catalog";
import { Person } from "../../domain/entities";
import { EnterpriseCapacityModel } from "../../read/read-models";

@Resolver(() => EnterpriseCapacityModel)
export class EnterpriseCapacityResolver {
  @FieldResolver(() => CatalogCapacity, { description: "The capacity of the catalog." })
  capacity(@Root() c: EnterpriseCapacityModel, @Ctx() { catalog }: Context): CatalogCapacity {
    return catalog.capacities.get(c.capacityCode)!;
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description: "Who activated it; null while INACTIVE, and to those who may not see that person (the other party of a mandate).",
  })
  async activatedBy(@Root() c: EnterpriseCapacityModel, @Ctx() { access, loaders }: Context): Promise<Person | null> {
    return c.activatedById && (await access.canSeePersonIn(c.enterpriseId, c.activatedById)) ? loaders.person.load(c.activatedById) : null;
  }
}
