import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { CatalogCapacity } from "../../domain/catalog";
import { Person, StructuredMessagingConfig } from "../../domain/entities";

@Resolver(() => StructuredMessagingConfig)
export class StructuredMessagingConfigResolver {
  @FieldResolver(() => CatalogCapacity, { description: "The capacity the configuration is for." })
  capacity(@Root() c: StructuredMessagingConfig, @Ctx() { catalog }: Context): CatalogCapacity {
    return catalog.capacities.get(c.capacityCode)!;
  }

  @FieldResolver(() => String, {
    description: "The sender number the system assigned at the first configuration; it stays the same on reconfiguration.",
  })
  senderNumber(@Root() c: StructuredMessagingConfig): string {
    return c.senderNumber ?? "";
  }

  // Only those who configure the capacity see a configuration (Enterprise.structuredMessaging): they may know who did.
  @FieldResolver(() => Person, { description: "Who last configured it." })
  configuredBy(@Root() c: StructuredMessagingConfig, @Ctx() { loaders }: Context): Promise<Person> {
    return loaders.person.load(c.configuredById) as Promise<Person>;
  }
}
