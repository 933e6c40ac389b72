import type { GraphQLError } from "graphql";
import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "./clock";
import { primaryReader } from "./database/data-source";
import { Access } from "./access/access";
import type { RequestDeadline } from "./http/request-deadline";
import type { AuditedEvent } from "./management/action";
import type { Catalog } from "./model/catalog";
import type { Language, Person } from "./model/entities/person.entity";
import { createLoaders, type Loaders } from "./model/loaders";
import { createRoleAssignmentPages } from "./model/role-assignment-pages";

/** Everything a resolver may use, created once per request: the viewer, the loaders, the access layer. */
export interface Context {
  requestId: string;
  /** The request's deadline: a management action gives its transaction up when it passes. */
  deadline: RequestDeadline | undefined;
  viewer: Person | null;
  dataSource: DataSource;
  /** What the read side reads through: the data source (its replicas when configured), the primary after a write. */
  readManager: EntityManager;
  catalog: Catalog;
  loaders: Loaders;
  roleAssignmentPages: ReturnType<typeof createRoleAssignmentPages>;
  access: Access;
  /** Refusals of guarded fields inside a mutation's answer, reported beside the committed result (src/access/shield.ts). */
  partialErrors: GraphQLError[];
  /** A dry run's open transaction and the audit events it wrote: the answer is read inside it, then src/http/dry-run.ts rolls it back. */
  dryRun: DryRun | null;
  /** From Accept-Language; names follow an explicit `language` argument first, then this, then the viewer's language. */
  acceptLanguage: Language | null;
  /** The gateway's clock (src/clock.ts): management actions read their `now` from it. */
  clock: Clock;
  /** The instant the request is answered as of, read once from the clock: an expired right is ended from then on (src/access/validity.ts). */
  now: Date;
}

const contractLanguages: readonly Language[] = ["NL", "FR", "DE", "EN"];

/** The first supported language of an Accept-Language header, by quality (RFC 9110 12.5.4). */
export function preferredLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { language: tag.trim().slice(0, 2).toUpperCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && contractLanguages.includes(entry.language as Language))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranked[0]?.language as Language | undefined) ?? null;
}

/** The loaders and access layer of a request: replaced after a write, so the mutation's answer shows the new state. */
function readState(readManager: EntityManager, catalog: Catalog, viewer: Person | null, now: Date) {
  const loaders = createLoaders(readManager, now);
  if (viewer) loaders.person.prime(viewer.id, viewer);
  return { readManager, loaders, roleAssignmentPages: createRoleAssignmentPages(readManager, now), access: new Access(viewer, loaders, catalog) };
}

/**
 * Forgets what the request read before its mutation committed (the shield's decision inputs, say), and reads the rest
 * of the request from the primary: a replica may not have the write yet.
 */
export interface DryRun {
  auditEvents: AuditedEvent[];
  end(): Promise<void>;
}

/** A dry run's answer reads what its action wrote, inside the transaction that is rolled back afterwards. */
export function readInsideDryRun(context: Context, em: EntityManager): void {
  Object.assign(context, readState(em, context.catalog, context.viewer, context.now));
}

export function refreshAfterWrite(context: Context): void {
  Object.assign(context, readState(primaryReader(context.dataSource).manager, context.catalog, context.viewer, context.now));
}

export function createContext({
  requestId,
  deadline,
  viewer,
  dataSource,
  catalog,
  acceptLanguage,
  clock,
}: {
  requestId: string;
  deadline?: RequestDeadline;
  viewer: Person | null;
  dataSource: DataSource;
  catalog: Catalog;
  acceptLanguage?: string;
  clock: Clock;
}): Context {
  const now = clock();
  return {
    requestId,
    deadline,
    viewer,
    dataSource,
    catalog,
    ...readState(dataSource.manager, catalog, viewer, now),
    partialErrors: [],
    dryRun: null,
    acceptLanguage: preferredLanguage(acceptLanguage),
    clock,
    now,
  };
}

export function languageFor(context: Context, explicit: Language | null | undefined): Language {
  return explicit ?? context.acceptLanguage ?? context.viewer?.language ?? "NL";
}
