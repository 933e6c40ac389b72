import { In, type DataSource } from "typeorm";
import { AuditChainHead, AuditEvent, Enterprise } from "../domain/entities";
import { formatEnterpriseNumber } from "../domain/identifiers";
import { auditEventHash, chainOf } from "./chain";
import { auditEventPages } from "./read-chain";

/** How a chain is broken, at its first broken link. */
export type BreakKind =
  /** The event's stored content (or its previousHash) no longer gives its hash: it was edited. */
  | "CONTENT_EDITED"
  /** The event's predecessor is not in the chain: an event before it was deleted. */
  | "EVENT_MISSING"
  /** The event's predecessor is in the chain but after it: events were moved. */
  | "ORDER_BROKEN"
  /** The event names the same predecessor as an earlier event: two writers appended to the chain at once. */
  | "FORKED"
  /** The chain's last event is not the one its head records: events were deleted from its end (or added bypassing the head). */
  | "HEAD_MISMATCH"
  /** Rows a chain records (an enterprise's assignments, capacities or mandates; a person's account changes) and no event of theirs: the chain was deleted, head and all. */
  | "CHAIN_MISSING";

export interface BrokenLink {
  chain: string;
  /** The enterprise number (formatted), or null for the chain of events outside any enterprise. */
  enterprise: string | null;
  /** The event where the break shows, or null when the whole chain is gone. */
  eventId: number | null;
  /** The person whose account changes have no event left (CHAIN_MISSING of the chain outside any enterprise), else null. */
  personId: number | null;
  kind: BreakKind;
  message: string;
}

export interface VerifyReport {
  chains: number;
  events: number;
  /** The first broken link of each broken chain, in chain order. */
  broken: BrokenLink[];
}

interface ChainState {
  lastHash: string | null;
  lastId: number | null;
  broken: boolean;
}

/**
 * Recomputes the audit chains (all of them, or the enterprise's) in id order, a page at a time, and names the first
 * broken link of each. Memory holds one page and one state per chain.
 */
export async function verifyAuditChains({
  dataSource,
  enterpriseId,
  pageSize = 1000,
}: {
  dataSource: DataSource;
  enterpriseId?: number;
  pageSize?: number;
}): Promise<VerifyReport> {
  const states = new Map<string, ChainState>();
  const breaks: Omit<BrokenLink, "enterprise" | "personId">[] = [];
  let events = 0;
  for await (const page of auditEventPages({ dataSource, enterpriseId, pageSize })) {
    for (const event of page) {
      events++;
      const chain = chainOf(event.enterpriseId);
      const state = states.get(chain) ?? { lastHash: null, lastId: null, broken: false };
      states.set(chain, state);
      if (state.broken) continue;
      const found = await checkLink({ dataSource, event, state });
      if (found) {
        breaks.push({ chain, eventId: event.id, ...found });
        state.broken = true;
        continue;
      }
      state.lastHash = event.hash;
      state.lastId = event.id;
    }
  }
  const heads = await dataSource
    .getRepository(AuditChainHead)
    .find(enterpriseId === undefined ? {} : { where: { chain: chainOf(enterpriseId) } });
  for (const head of heads) {
    const state = states.get(head.chain);
    if (state?.broken || (state?.lastHash ?? null) === head.lastHash) continue;
    breaks.push({
      chain: head.chain,
      eventId: state?.lastId ?? null,
      kind: "HEAD_MISMATCH",
      message: state
        ? `the chain's head records a later event than event ${state.lastId}, its last: events after it were deleted`
        : "the chain's head records events, and none is left: every event of the chain was deleted",
    });
  }
  const headed = new Set(heads.map((h) => h.chain));
  for (const [chain, state] of states) {
    if (!state.broken && state.lastHash !== null && !headed.has(chain)) {
      breaks.push({
        chain,
        eventId: state.lastId,
        kind: "HEAD_MISMATCH",
        message: "the chain has events but no head: its head row was deleted",
      });
    }
  }
  // A chain deleted with its head leaves nothing to recompute: what tells it was there is the rows it recorded. Its
  // head left alone (a HEAD_MISMATCH above) is reported as the chain missing, one line per chain.
  const missing = await missingChains({ dataSource, enterpriseId });
  const withMissing: Omit<BrokenLink, "enterprise">[] = [
    ...breaks.filter((b) => !missing.enterprises.has(b.chain)).map((b) => ({ ...b, personId: null })),
    ...[...missing.enterprises].map((chain) => ({
      chain,
      eventId: null,
      personId: null,
      kind: "CHAIN_MISSING" as const,
      message: `the enterprise has assignments, capacities or mandates, and its chain has no event${headed.has(chain) ? "" : " and no head"}: the chain was deleted`,
    })),
    ...missing.persons.map((personId) => ({
      chain: chainOf(null),
      eventId: null,
      personId,
      kind: "CHAIN_MISSING" as const,
      message: `person ${personId} changed their account (phone or language), and no event of theirs is left in the chain of events outside any enterprise${headed.has(chainOf(null)) ? "" : ", which has no head"}: their events were deleted`,
    })),
  ];
  withMissing.sort((a, b) => a.chain.localeCompare(b.chain) || (a.personId ?? 0) - (b.personId ?? 0));
  const chains = new Set([...states.keys(), ...headed, ...missing.enterprises]);
  if (missing.persons.length > 0) chains.add(chainOf(null));
  return { chains: chains.size, events, broken: await withEnterpriseNumbers(dataSource, withMissing) };
}

/**
 * The chains that should exist and have no event, found from the rows they record, each kind in one statement (an
 * index lookup per enterprise or a semi-join, never a query per row):
 * - an enterprise with an assignment other than a legal representative's, a capacity, or a mandate as the client
 *   (the mandate's events are the client's; the provider's chain records nothing of it). A legal representative comes
 *   from the register, the enterprise's source of truth, and an enterprise known from the register alone may have no
 *   event (one made before the trail existed, or by a test's seed);
 * - a person whose phone or language is set (only `updateMyAccount` sets them) and who is the actor of no event in
 *   the chain outside any enterprise. An e-mail is not telling: an appointment may set it, in an enterprise's chain.
 */
async function missingChains({
  dataSource,
  enterpriseId,
}: {
  dataSource: DataSource;
  enterpriseId?: number;
}): Promise<{ enterprises: Set<string>; persons: number[] }> {
  const oneEnterprise = enterpriseId === undefined ? "" : "AND e.id = ?";
  const enterprises: { id: number | string }[] = await dataSource.query(
    `SELECT e.id AS id FROM enterprise e
     WHERE (EXISTS (SELECT 1 FROM role_assignment r WHERE r.enterprise_id = e.id AND r.role <> 'LEGAL_REPRESENTATIVE')
            OR EXISTS (SELECT 1 FROM enterprise_capacity c WHERE c.enterprise_id = e.id)
            OR EXISTS (SELECT 1 FROM service_provider_mandate m WHERE m.client_id = e.id))
       AND NOT EXISTS (SELECT 1 FROM audit_event a WHERE a.enterprise_id = e.id) ${oneEnterprise}
     ORDER BY e.id`,
    enterpriseId === undefined ? [] : [enterpriseId],
  );
  const persons: { id: number | string }[] =
    enterpriseId !== undefined
      ? []
      : await dataSource.query(
          `SELECT p.id AS id FROM person p
           WHERE (p.phone IS NOT NULL OR p.language <> 'NL')
             AND p.id NOT IN (SELECT a.actor_id FROM audit_event a WHERE a.enterprise_id IS NULL AND a.actor_id IS NOT NULL)
           ORDER BY p.id`,
        );
  return { enterprises: new Set(enterprises.map((e) => chainOf(Number(e.id)))), persons: persons.map((p) => Number(p.id)) };
}

async function checkLink({
  dataSource,
  event,
  state,
}: {
  dataSource: DataSource;
  event: AuditEvent;
  state: ChainState;
}): Promise<Pick<BrokenLink, "kind" | "message"> | null> {
  if (auditEventHash(event, event.previousHash) !== event.hash) {
    return { kind: "CONTENT_EDITED", message: `event ${event.id} no longer matches its hash: its content was edited` };
  }
  if (event.previousHash === state.lastHash) return null;
  const after = state.lastId === null ? "the chain's start" : `event ${state.lastId}`;
  if (event.previousHash === null) {
    return { kind: "ORDER_BROKEN", message: `event ${event.id} claims to start the chain, but follows ${after}` };
  }
  // Where the named predecessor is, if anywhere: one indexed read per broken chain, only once it is broken.
  const predecessor = await dataSource
    .createQueryBuilder(AuditEvent, "e")
    .select("e.id", "id")
    .where("e.hash = :hash", { hash: event.previousHash })
    .andWhere(event.enterpriseId === null ? "e.enterprise_id IS NULL" : "e.enterprise_id = :enterpriseId", {
      enterpriseId: event.enterpriseId,
    })
    .orderBy("e.id")
    .limit(1)
    .getRawOne<{ id: number | string }>();
  if (!predecessor) return { kind: "EVENT_MISSING", message: `an event between ${after} and event ${event.id} is missing: it was deleted` };
  const predecessorId = Number(predecessor.id);
  if (predecessorId > event.id)
    return { kind: "ORDER_BROKEN", message: `event ${event.id} follows event ${predecessorId}, which comes after it` };
  return { kind: "FORKED", message: `event ${event.id} follows event ${predecessorId}, as an earlier event does: the chain forked` };
}

async function withEnterpriseNumbers(dataSource: DataSource, breaks: Omit<BrokenLink, "enterprise">[]): Promise<BrokenLink[]> {
  const idOf = (chain: string) => (chain.startsWith("enterprise:") ? Number(chain.slice("enterprise:".length)) : null);
  const ids = [...new Set(breaks.map((b) => idOf(b.chain)).filter((id) => id !== null))];
  const numbers = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 1000) {
    for (const e of await dataSource.getRepository(Enterprise).findBy({ id: In(ids.slice(i, i + 1000)) }))
      numbers.set(e.id, formatEnterpriseNumber(e.number));
  }
  return breaks.map((b) => {
    const id = idOf(b.chain);
    return { ...b, enterprise: id === null ? null : (numbers.get(id) ?? `#${id} (deleted)`) };
  });
}
