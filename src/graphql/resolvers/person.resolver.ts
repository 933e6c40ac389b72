import { Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { defaultLanguage, Person, RoleAssignment, type Language } from "../../domain/entities";
import { LanguageEnum } from "../../domain/enums";
import { filterAsync } from "../../read/read-models";
import { encodeGlobalId } from "../global-ids";
import { nodeIdDescription } from "../../domain/node.type";

/**
 * A person's own account data is theirs alone: null to anyone else. The contract makes `language` non-null, so others read
 * the portal's default language rather than the person's choice.
 */
@Resolver(() => Person)
export class PersonResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() p: Person): string {
    return encodeGlobalId("Person", p.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The person's e-mail address. Only the person themself reads it; null to everyone else.",
  })
  email(@Root() p: Person, @Ctx() { access }: Context): string | null {
    return access.isViewer(p.id) ? p.email : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The person's phone number. Only the person themself reads it; null to everyone else.",
  })
  phone(@Root() p: Person, @Ctx() { access }: Context): string | null {
    return access.isViewer(p.id) ? p.phone : null;
  }

  @FieldResolver(() => LanguageEnum, {
    description: "The person's language. Only the person themself reads their choice; others read the portal's default, NL.",
  })
  language(@Root() p: Person, @Ctx() { access }: Context): Language {
    return access.isViewer(p.id) ? p.language : defaultLanguage;
  }

  @FieldResolver(() => [RoleAssignment], { description: "The roles of this person that the caller may see, across enterprises." })
  async roles(@Root() p: Person, @Ctx() { loaders, access }: Context): Promise<RoleAssignment[]> {
    return filterAsync(await loaders.assignmentsOfPerson.load(p.id), (a) => access.canSeeAssignment(a));
  }
}
