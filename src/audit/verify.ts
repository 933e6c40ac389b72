import type { DataSource } from "typeorm";
import { AuditChainHead, AuditEvent, Enterprise } from "../model/entities";
import { formatEnterpriseNumber } from "../model/identifiers";
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
  | "HEAD_MISMATCH";

export interface BrokenLink {
  chain: string;
  /** The enterprise number (formatted), or null for the chain of events outside any enterprise. */
  enterprise: string | null;
  /** The event where the break shows, or null when the whole chain is gone. */
  eventId: number | null;
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
export async function verifyAuditChains({ dataSource, enterpriseId, pageSize = 1000 }: { dataSource: DataSource; enterpriseId?: number; pageSize?: number }): Promise<VerifyReport> {
  const states = new Map<string, ChainState>();
  const breaks: Omit<BrokenLink, "enterprise">[] = [];
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
  const heads = await dataSource.getRepository(AuditChainHead).find(enterpriseId === undefined ? {} : { where: { chain: chainOf(enterpriseId) } });
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
      breaks.push({ chain, eventId: state.lastId, kind: "HEAD_MISMATCH", message: "the chain has events but no head: its head row was deleted" });
    }
  }
  breaks.sort((a, b) => a.chain.localeCompare(b.chain));
  return { chains: new Set([...states.keys(), ...headed]).size, events, broken: await withEnterpriseNumbers(dataSource, breaks) };
}

async function checkLink({ dataSource, event, state }: { dataSource: DataSource; event: AuditEvent; state: ChainState }): Promise<Pick<BrokenLink, "kind" | "message"> | null> {
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
    .andWhere(event.enterpriseId === null ? "e.enterprise_id IS NULL" : "e.enterprise_id = :enterpriseId", { enterpriseId: event.enterpriseId })
    .orderBy("e.id")
    .limit(1)
    .getRawOne<{ id: number | string }>();
  if (!predecessor) return { kind: "EVENT_MISSING", message: `an event between ${after} and event ${event.id} is missing: it was deleted` };
  const predecessorId = Number(predecessor.id);
  if (predecessorId > event.id) return { kind: "ORDER_BROKEN", message: `event ${event.id} follows event ${predecessorId}, which comes after it` };
  return { kind: "FORKED", message: `event ${event.id} follows event ${predecessorId}, as an earlier event does: the chain forked` };
}

async function withEnterpriseNumbers(dataSource: DataSource, breaks: Omit<BrokenLink, "enterprise">[]): Promise<BrokenLink[]> {
  const result: BrokenLink[] = [];
  for (const b of breaks) {
    const id = b.chain.startsWith("enterprise:") ? Number(b.chain.slice("enterprise:".length)) : null;
    const enterprise = id === null ? null : await dataSource.getRepository(Enterprise).findOneBy({ id });
    result.push({ ...b, enterprise: id === null ? null : enterprise ? formatEnterpriseNumber(enterprise.number) : `#${id} (deleted)` });
  }
  return result;
}
