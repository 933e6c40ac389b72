import { Field, ObjectType } from "type-graphql";
import { SsinScalar } from "../../domain/scalars";

/**
 * Who asked, as the deciders of a request see them: names only, and not a Person, so that a request never opens the
 * requester's other roles, nor their national number before the deciders need it.
 */
@ObjectType({
  description: "The person who made an access request: their names, and their national number where the caller needs it.",
  simpleResolvers: true,
})
export class AccessRequester {
  @Field(() => String, { description: "The requester's given name; empty until known." })
  givenName: string;

  @Field(() => String, { description: "The requester's family name; empty until known." })
  familyName: string;

  @Field(() => SsinScalar, {
    nullable: true,
    description:
      "The requester's national number: to the requester, to the legal representatives and the main access manager, and to the deciders once the request is approved; null otherwise.",
  })
  ssin: string | null;
}
