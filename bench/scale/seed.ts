import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Between, In, IsNull, type DataSource, type EntityManager, type ObjectLiteral } from "typeorm";
import { Catalog } from "../../src/domain/catalog";
import {
  Enterprise,
  EnterpriseCapacity,
  Person,
  RoleAssignment,
  RoleAssignmentOnlineService,
  ServiceProviderMandate,
  assignmentActiveKey,
  mandateActiveKey,
} from "../../src/domain/entities";
import { CapacityActiveSpan, EnterpriseStatusSpan, OnlineServiceGrantSpan } from "../../src/domain/entities/history.entity";
import { activateEnterpriseAccount } from "../../src/management/activate-enterprise-account";
import { addUser } from "../../src/management/add-user";
import { appointMainAccessManager } from "../../src/management/appoint-main-access-manager";
import { importRegister } from "../../src/register/import-register";
import { Seed } from "../../test/support/seed";

/**
 * The data of `npm run bench:scale`, at a size: the enterprise register through the register import, the employer
 * and the provider made active through the real management actions, and the bulk (people, users, mandates, the
 * enterprises' activation) in multi-row INSERTs through TypeORM, which fire the version triggers row by row and write
 * the history spans the actions would write. What a seeded database does not hold is stated on `sqlSeededRows`.
 */
export const scaleSizes = {
  /** CI: seconds. */
  tiny: { people: 300, enterprises: 30, clients: 10, employerUsers: 50, viewerRoles: 20 },
  /** 100x smaller than full. */
  small: { people: 10_000, enterprises: 1_000, clients: 500, employerUsers: 1_000, viewerRoles: 1_000 },
  full: { people: 1_000_000, enterprises: 100_000, clients: 50_000, employerUsers: 100_000, viewerRoles: 1_000 },
} as const;

export type ScaleSize = keyof typeof scaleSizes;

/**
 * Moves whenever the seed writes other data: a kept database whose manifest names another fingerprint is seeded
 * again rather than measured.
 */
export const seedFingerprint = "scale-seed-1";

/** Said in the report: the invariants a database seeded in SQL does not hold, and why the measures do not depend on them. */
export const sqlSeededRows =
  "the rows written in SQL (people, USER assignments, mandates, the enterprises' activation) have no audit events: the " +
  "audit chain stays valid (nothing is appended outside it) but does not record them; no measured read reads " +
  "audit_event, and a measured write appends to its enterprise's chain through the head row, whatever the table's size";

export interface ScaleSeed {
  fingerprint: string;
  size: ScaleSize;
  counts: (typeof scaleSizes)[ScaleSize];
  /** Enterprise number (10 digits) and the main access manager who adds its users. */
  employer: { number: string; mainAccessManager: string };
  provider: { number: string; mainAccessManager: string };
  /** USER of the provider's SOCIAL_SERVICE_PROVIDER capacity with DIMONA: sees the provider and every client. */
  providerStaff: string;
  /** Holds `viewerRoles` roles. */
  viewer: string;
  /** A family-name prefix shared by 1 in 50 people, and the SSIN of one of the employer's users. */
  searchPrefix: string;
  searchSsin: string;
  /** First SSIN index no seeded person uses: the writing scenarios create people from there on. */
  freeSsinIndex: number;
  seconds: { register: number; actions: number; sql: number; total: number };
}

/** A valid SSIN per index (check digits of the pre-2000 rule), ordered as the index: a range of indexes is a range of SSINs. */
export function ssinAt(index: number): string {
  const body = String(400_000_000 + index).padStart(9, "0");
  return `${body}${String(97 - (Number(body) % 97)).padStart(2, "0")}`;
}

export function enterpriseNumberAt(index: number): string {
  const first = `0${String(2_000_000 + index).padStart(7, "0")}`;
  return `${first}${String(97 - (Number(first) % 97)).padStart(2, "0")}`;
}

export const familyNames = [
  "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
  "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Lefèvre", "Laurent", "Leclercq", "Lejeune", "Renard",
  "Müller", "Schmitz", "Schröder", "Hoffmann", "Becker", "Vermeulen", "Van Damme", "Desmet", "Hermans", "Michiels",
  "Aerts", "Lemmens", "Verhoeven", "Cools", "Pauwels", "Smets", "Van den Broeck", "Bogaerts", "Martens", "Dumont",
  "Évrard", "Noël", "Thys", "Segers", "Stevens", "Geerts", "Nys", "Coppens", "Baert", "Declercq",
]; // prettier-ignore
const givenNames = [
  "Jan", "Marie", "Luc", "Anne", "Pieter", "Sofie", "Tom", "Els", "Koen", "Lies", "Jean", "Chloé", "Éric", "Léa", "Hans",
  "Jürgen", "Nathalie", "Bart", "Hélène", "Wim", "Ines", "Noah", "Emma", "Lucas", "Olivia", "Louis", "Mila", "Arthur",
]; // prettier-ignore
const personAt = (index: number) => ({
  ssin: ssinAt(index),
  givenName: givenNames[(index * 7) % givenNames.length],
  familyName: familyNames[index % familyNames.length],
});

/** The person indexes: legal representatives first (one per enterprise), then the employer's users, then the rest. */
function layout(size: ScaleSize) {
  const c = scaleSizes[size];
  // The viewer of `me` is one of the employer's users too (its role there is one of its `viewerRoles`).
  const employerUsers = { from: c.enterprises, to: c.enterprises + c.employerUsers - 1 };
  const viewer = employerUsers.to;
  const staff = viewer + 1;
  return {
    employer: 0,
    provider: 1,
    /** Enterprises that are neither the employer nor the provider: ACTIVE in EMPLOYER_NSSO; the first `clients` are the provider's. */
    ordinary: { from: 2, to: c.enterprises },
    clients: { from: 2, to: 2 + c.clients },
    employerUsers,
    viewer,
    staff,
    /** Each a USER of an ordinary enterprise, round-robin: about 8 per enterprise at both sizes. */
    others: { from: staff + 1, to: c.people },
  };
}

type Progress = (message: string) => void;

const rowsPerStatement = 500;
/** Rows per transaction: one per statement would pay SQLite's commit (an fsync) a thousand times per million rows. */
const statementsPerTransaction = 20;

async function insertRows<T extends ObjectLiteral>(em: EntityManager, target: new () => T, rows: Partial<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += rowsPerStatement) {
    await em
      .createQueryBuilder()
      .insert()
      .into(target)
      .values(rows.slice(i, i + rowsPerStatement) as never)
      .updateEntity(false)
      .execute();
  }
}

/** Runs `write` over `[from, to)` in chunks, each chunk in its own transaction. */
async function inChunks(
  dataSource: DataSource,
  { from, to }: { from: number; to: number },
  write: (em: EntityManager, from: number, to: number) => Promise<void>,
  progress: Progress,
  what: string,
): Promise<void> {
  const chunk = rowsPerStatement * statementsPerTransaction;
  for (let start = from; start < to; start += chunk) {
    const end = Math.min(to, start + chunk);
    await dataSource.transaction((em) => write(em, start, end));
    if (Math.floor((end - from) / 100_000) > Math.floor((start - from) / 100_000) || end === to)
      progress(`${what}: ${end - from} of ${to - from}`);
  }
}

/** Person ids by SSIN index for `[from, to)`: SSINs are ordered as their indexes, so one range read. */
async function personIds(em: EntityManager, from: number, to: number): Promise<number[]> {
  const rows = await em.find(Person, { select: { id: true, ssin: true }, where: { ssin: Between(ssinAt(from), ssinAt(to - 1)) } });
  const byIndex = new Map(rows.map((p) => [p.ssin, p.id]));
  return Array.from({ length: to - from }, (_, i) => {
    const id = byIndex.get(ssinAt(from + i));
    if (id === undefined) throw new Error(`person ${from + i} is missing`);
    return id;
  });
}

/** Inserts current USER assignments (and their online services with their history spans) in one transaction. */
async function insertUsers(
  em: EntityManager,
  users: { personId: number; enterpriseId: number; capacityCode: string; grantedById: number | null; services: readonly string[] }[],
  now: Date,
): Promise<void> {
  const rows = users.map((u) => {
    const fields = { personId: u.personId, enterpriseId: u.enterpriseId, role: "USER" as const, capacityCode: u.capacityCode };
    return {
      ...fields,
      grantedById: u.grantedById,
      grantedAt: now,
      endedAt: null,
      endedById: null,
      validUntil: null,
      activeKey: assignmentActiveKey(fields),
      exclusiveKey: null,
      automatic: false,
    };
  });
  await insertRows(em, RoleAssignment, rows);
  const withServices = users.filter((u) => u.services.length > 0);
  if (withServices.length === 0) return;
  const keys = rows.filter((_, i) => users[i].services.length > 0).map((r) => r.activeKey);
  const ids = new Map<string, number>();
  for (let i = 0; i < keys.length; i += rowsPerStatement) {
    const found = await em.find(RoleAssignment, {
      select: { id: true, activeKey: true },
      where: { activeKey: In(keys.slice(i, i + rowsPerStatement)) },
    });
    for (const a of found) ids.set(a.activeKey!, a.id);
  }
  const grants = withServices.flatMap((u, i) => u.services.map((code) => ({ assignmentId: ids.get(keys[i])!, onlineServiceCode: code })));
  await insertRows(em, RoleAssignmentOnlineService, grants);
  await insertRows(
    em,
    OnlineServiceGrantSpan,
    grants.map((g) => ({ ...g, validFrom: now, validTo: null })),
  );
}

/**
 * Seeds an empty, migrated database at `size`. Deterministic: the same size gives the same people, enterprises and
 * roles (ids aside), so that a kept database is measured by the same scenarios as a new one.
 */
export async function seedScale({
  dataSource,
  size,
  progress = () => undefined,
}: {
  dataSource: DataSource;
  size: ScaleSize;
  progress?: Progress;
}): Promise<ScaleSeed> {
  const counts = scaleSizes[size];
  const at = layout(size);
  const started = performance.now();
  const catalog = await Catalog.load(dataSource);

  // The register: every enterprise and its legal representative, through the import (its batches, history and audit).
  const work = mkdtempSync(join(tmpdir(), "bench-scale-register-"));
  const file = join(work, "register.csv");
  const lines = ["enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name"];
  for (let i = 0; i < counts.enterprises; i++) {
    const person = personAt(i);
    const capacity = i === at.provider ? "SOCIAL_SERVICE_PROVIDER" : "EMPLOYER_NSSO";
    lines.push(
      `${enterpriseNumberAt(i)},"${familyNames[(i * 3) % familyNames.length]} ${i}",${capacity},${person.ssin},${person.givenName},"${person.familyName}"`,
    );
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
  try {
    await importRegister({ dataSource, catalog, file, progress: (m) => progress(`register: ${m}`) });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const registered = performance.now();
  progress(`register: ${counts.enterprises} enterprises in ${((registered - started) / 1000).toFixed(0)} s`);

  const now = new Date();
  await inChunks(
    dataSource,
    { from: counts.enterprises, to: counts.people },
    async (em, from, to) =>
      insertRows(
        em,
        Person,
        Array.from({ length: to - from }, (_, i) => ({
          ...personAt(from + i),
          email: null,
          phone: null,
          language: "NL" as const,
          createdAt: now,
        })),
      ),
    progress,
    "people",
  );

  // The employer and the provider through the real actions: each legal representative appoints themself main access
  // manager and activates the account (the default capacity with it); the provider's staff member is added as a user.
  const seed = new Seed(dataSource, catalog);
  const employer = enterpriseNumberAt(at.employer);
  const provider = enterpriseNumberAt(at.provider);
  for (const [index, number] of [
    [at.employer, employer],
    [at.provider, provider],
  ] as const) {
    const person = personAt(index);
    await seed.as(person.ssin, (s) => appointMainAccessManager(s, { enterprise: number, person }));
    await seed.as(person.ssin, (s) => activateEnterpriseAccount(s, { enterprise: number }));
  }
  await seed.as(personAt(at.provider).ssin, (s) =>
    addUser(s, { enterprise: provider, capacity: "SOCIAL_SERVICE_PROVIDER", onlineServices: ["DIMONA"], person: personAt(at.staff) }),
  );
  const acted = performance.now();

  const enterpriseIds = new Map(
    (await dataSource.getRepository(Enterprise).find({ select: { id: true, number: true } })).map((e) => [e.number, e.id]),
  );
  const enterpriseId = (index: number) => enterpriseIds.get(enterpriseNumberAt(index))!;
  const [employerId, providerId] = [enterpriseId(at.employer), enterpriseId(at.provider)];
  const [employerManager] = await personIds(dataSource.manager, at.employer, at.employer + 1);

  // The ordinary enterprises active in EMPLOYER_NSSO, with the status and capacity spans activateEnterpriseAccount writes.
  await inChunks(
    dataSource,
    at.ordinary,
    async (em, from, to) => {
      const ids = Array.from({ length: to - from }, (_, i) => enterpriseId(from + i));
      const representatives = await personIds(em, from, to);
      await em.update(Enterprise, { id: In(ids) }, { status: "ACTIVE", updatedAt: now });
      await em.update(EnterpriseStatusSpan, { enterpriseId: In(ids), validTo: IsNull() }, { validTo: now });
      await insertRows(
        em,
        EnterpriseStatusSpan,
        ids.map((id) => ({ enterpriseId: id, status: "ACTIVE" as const, validFrom: now, validTo: null })),
      );
      await insertRows(
        em,
        EnterpriseCapacity,
        ids.map((id, i) => ({
          enterpriseId: id,
          capacityCode: "EMPLOYER_NSSO",
          status: "ACTIVE" as const,
          activatedAt: now,
          activatedById: representatives[i],
        })),
      );
      await insertRows(
        em,
        CapacityActiveSpan,
        ids.map((id) => ({ enterpriseId: id, capacityCode: "EMPLOYER_NSSO", validFrom: now, validTo: null })),
      );
    },
    progress,
    "enterprises activated",
  );

  // The provider's clients: a mandate in EMPLOYER_NSSO each, appointed by the client's legal representative.
  await inChunks(
    dataSource,
    at.clients,
    async (em, from, to) => {
      const representatives = await personIds(em, from, to);
      await insertRows(
        em,
        ServiceProviderMandate,
        Array.from({ length: to - from }, (_, i) => {
          const clientId = enterpriseId(from + i);
          return {
            clientId,
            providerId,
            capacityCode: "EMPLOYER_NSSO",
            status: "ACTIVE" as const,
            appointedById: representatives[i],
            startsAt: now,
            endedAt: null,
            endedById: null,
            validUntil: null,
            activeKey: mandateActiveKey({ clientId, capacityCode: "EMPLOYER_NSSO" }),
          };
        }),
      );
    },
    progress,
    "mandates",
  );

  await inChunks(
    dataSource,
    at.employerUsers,
    async (em, from, to) => {
      const ids = await personIds(em, from, to);
      await insertUsers(
        em,
        ids.map((personId, i) => ({
          personId,
          enterpriseId: employerId,
          capacityCode: "EMPLOYER_NSSO",
          grantedById: employerManager,
          services: (from + i) % 2 ? ["DIMONA", "DMFA"] : ["DIMONA"],
        })),
        now,
      );
    },
    progress,
    "employer's users",
  );

  // The viewer of `me`: USER in the employer, the provider, and the last ordinary enterprises, one role each.
  await dataSource.transaction(async (em) => {
    const [viewerId] = await personIds(em, at.viewer, at.viewer + 1);
    const ordinary = Array.from({ length: counts.viewerRoles - 2 }, (_, i) => enterpriseId(at.ordinary.to - 1 - i));
    await insertUsers(
      em,
      [
        { personId: viewerId, enterpriseId: employerId, capacityCode: "EMPLOYER_NSSO", grantedById: employerManager, services: ["DIMONA"] },
        { personId: viewerId, enterpriseId: providerId, capacityCode: "SOCIAL_SERVICE_PROVIDER", grantedById: null, services: ["DIMONA"] },
        ...ordinary.map((id) => ({
          personId: viewerId,
          enterpriseId: id,
          capacityCode: "EMPLOYER_NSSO",
          grantedById: null,
          services: ["DIMONA"],
        })),
      ],
      now,
    );
  });

  const ordinaryCount = at.ordinary.to - at.ordinary.from;
  await inChunks(
    dataSource,
    at.others,
    async (em, from, to) => {
      const ids = await personIds(em, from, to);
      await insertUsers(
        em,
        ids.map((personId, i) => ({
          personId,
          enterpriseId: enterpriseId(at.ordinary.from + ((from + i) % ordinaryCount)),
          capacityCode: "EMPLOYER_NSSO",
          grantedById: null,
          services: [],
        })),
        now,
      );
    },
    progress,
    "other users",
  );
  const done = performance.now();
  return {
    fingerprint: seedFingerprint,
    size,
    counts,
    employer: { number: employer, mainAccessManager: personAt(at.employer).ssin },
    provider: { number: provider, mainAccessManager: personAt(at.provider).ssin },
    providerStaff: personAt(at.staff).ssin,
    viewer: personAt(at.viewer).ssin,
    searchPrefix: "Peet",
    searchSsin: ssinAt(at.employerUsers.from + Math.floor(counts.employerUsers / 2)),
    freeSsinIndex: counts.people,
    seconds: {
      register: (registered - started) / 1000,
      actions: (acted - registered) / 1000,
      sql: (done - acted) / 1000,
      total: (done - started) / 1000,
    },
  };
}

/** What a seeded database holds, counted in SQL: the test compares it with what `scaleSizes` promises. */
export async function countSeeded(dataSource: DataSource, seed: ScaleSeed): Promise<Record<string, number>> {
  const one = async (sql: string, parameters: unknown[] = []) =>
    Number(((await dataSource.query(sql, parameters)) as { n: number | string }[])[0].n);
  const id = async (number: string) => (await dataSource.getRepository(Enterprise).findOneByOrFail({ number })).id;
  const viewer = await dataSource.getRepository(Person).findOneByOrFail({ ssin: seed.viewer });
  return {
    people: await one("SELECT COUNT(*) AS n FROM person"),
    enterprises: await one("SELECT COUNT(*) AS n FROM enterprise"),
    clients: await one("SELECT COUNT(*) AS n FROM service_provider_mandate WHERE provider_id = ? AND ended_at IS NULL", [
      await id(seed.provider.number),
    ]),
    employerUsers: await one("SELECT COUNT(*) AS n FROM role_assignment WHERE enterprise_id = ? AND role = 'USER' AND ended_at IS NULL", [
      await id(seed.employer.number),
    ]),
    viewerRoles: await one("SELECT COUNT(*) AS n FROM role_assignment WHERE person_id = ? AND ended_at IS NULL", [viewer.id]),
  };
}
