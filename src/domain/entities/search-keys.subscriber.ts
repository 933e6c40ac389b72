import { EventSubscriber, type EntitySubscriberInterface, type InsertEvent, type UpdateEvent } from "typeorm";
import { searchKey } from "../search-key";
import { Enterprise } from "./enterprise.entity";
import { Person } from "./person.entity";

type Written = Record<string, unknown> | undefined;

/** Sets `key` from `source` where the write sets `source`: a write that leaves the name alone leaves its key alone. */
function fold(written: Written, source: string, key: string): void {
  if (written && typeof written[source] === "string") written[key] = searchKey(written[source]);
}

/**
 * The folded names are written with the names, by every writer through TypeORM (a `save`, `insert` or `update` of the
 * entity, the register import's multi-row inserts): a key derived in each action could be forgotten by the next one,
 * and a person whose key is stale is one that search cannot find.
 */
@EventSubscriber()
export class PersonSearchKeys implements EntitySubscriberInterface<Person> {
  listenTo() {
    return Person;
  }

  beforeInsert(event: InsertEvent<Person>): void {
    this.keys(event.entity as unknown as Written);
  }

  beforeUpdate(event: UpdateEvent<Person>): void {
    this.keys(event.entity as unknown as Written);
  }

  private keys(written: Written): void {
    fold(written, "givenName", "givenKey");
    fold(written, "familyName", "familyKey");
  }
}

@EventSubscriber()
export class EnterpriseSearchKeys implements EntitySubscriberInterface<Enterprise> {
  listenTo() {
    return Enterprise;
  }

  beforeInsert(event: InsertEvent<Enterprise>): void {
    fold(event.entity as unknown as Written, "name", "searchKey");
  }

  beforeUpdate(event: UpdateEvent<Enterprise>): void {
    fold(event.entity as unknown as Written, "name", "searchKey");
  }
}

export const subscribers = [PersonSearchKeys, EnterpriseSearchKeys];
