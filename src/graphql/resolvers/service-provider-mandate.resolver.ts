import { Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { CatalogCapacity } from "../../domain/catalog";
import { Enterprise, Person, ServiceProviderMandate } from "../../domain/entities";
import { encodeGlobalId } from "../global-ids";
import { nodeIdDescription } from "../../domain/node.type";

@Resolver(() => ServiceProviderMandate)
export class ServiceProviderMandateResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() m: ServiceProviderMandate): string {
    return encodeGlobalId("ServiceProviderMandate", m.id);
  }

  @FieldResolver(() => Enterprise, { description: "The enterprise the provider acts for." })
  client(@Root() m: ServiceProviderMandate, @Ctx() { loaders }: Context): Promise<Enterprise> {
    return loaders.enterprise.load(m.clientId) as Promise<Enterprise>;
  }

  @FieldResolver(() => Enterprise, { description: "The service provider whose staff act for the client." })
  provider(@Root() m: ServiceProviderMandate, @Ctx() { loaders }: Context): Promise<Enterprise> {
    return loaders.enterprise.load(m.providerId) as Promise<Enterprise>;
  }

  @FieldResolver(() => CatalogCapacity, { description: "The client's capacity in which the provider acts." })
  capacity(@Root() m: ServiceProviderMandate, @Ctx() { catalog }: Context): CatalogCapacity {
    return catalog.capacities.get(m.capacityCode)!;
  }

  // Both parties know who appointed the provider: the one person of the other party a mandate shows.
  @FieldResolver(() => Person, {
    description: "The client's legal representative who appointed the provider; both parties see who it was.",
  })
  appointedBy(@Root() m: ServiceProviderMandate, @Ctx() { loaders }: Context): Promise<Person> {
    return loaders.person.load(m.appointedById) as Promise<Person>;
  }
}
