import { valid } from "./valid-input";
import { Person, type Language } from "../domain/entities/person.entity";
import { parseEmail, parsePhone } from "../domain/identifiers";
import { mutationAction } from "./mutation-action";

/** Updates the caller's own contact data and language; an empty string clears e-mail or phone. */
export const updateMyAccount = mutationAction({
  mutation: "updateMyAccount",
  task: null,
  audit: "UPDATE_MY_ACCOUNT",
  async run(scope, input: { email?: string | null; phone?: string | null; language?: Language | null }, act): Promise<Person> {
    const changes: Partial<Person> = {};
    if (input.email !== undefined && input.email !== null)
      changes.email = input.email.trim() === "" ? null : valid(parseEmail(input.email), "input.email", "email");
    if (input.phone !== undefined && input.phone !== null)
      changes.phone = input.phone.trim() === "" ? null : valid(parsePhone(input.phone), "input.phone", "phone");
    if (input.language !== undefined && input.language !== null) changes.language = input.language;
    const person = await scope.em.findOneByOrFail(Person, { id: scope.viewer.id });
    const before = Object.fromEntries(Object.keys(changes).map((k) => [k, person[k as keyof Person]]));
    if (Object.keys(changes).length > 0) await scope.em.update(Person, { id: person.id }, changes);
    Object.assign(person, changes);
    await act.audit(null, { before, after: changes });
    return person;
  },
});
