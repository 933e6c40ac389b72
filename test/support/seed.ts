import type { DataSource } from "typeorm";
import { systemClock, type Clock } from "../../src/clock";
import { runAction, type ActionScope } from "../../src/management/action";
import { activateCapacity } from "../../src/management/activate-capacity";
import { activateEBox } from "../../src/management/activate-ebox";
import { activateEnterpriseAccount } from "../../src/management/activate-enterprise-account";
import { addUser } from "../../src/management/add-user";
import { appointAccessManager } from "../../src/management/appoint-access-manager";
import { appointMainAccessManager } from "../../src/management/appoint-main-access-manager";
import { appointServiceProvider } from "../../src/management/appoint-service-provider";
import type { Catalog } from "../../src/domain/catalog";
import { recordRegistrations } from "../../src/domain/history";
import { Enterprise, Person, RoleAssignment, assignmentActiveKey } from "../../src/domain/entities";
import { enterpriseNumber, formatted, ssin } from "./identities";

export interface SeededEnterprise {
  id: number;
  /** Ten digits, as stored. */
  number: string;
  /** As the API returns it: 0123.456.749. */
  display: string;
  legalRepresentative: string;
  mainAccessManager: string | null;
  accessManagers: Record<string, string>;
  users: { ssin: string; capacity: string; assignmentId: number; onlineServices: string[] }[];
}

type Step = (state: SeededEnterprise) => Promise<void>;

/**
 * Fluent scenario builders on the real management actions:
 * `await seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build()`.
 */
export class Seed {
  constructor(
    readonly dataSource: DataSource,
    readonly catalog: Catalog,
    /** The gateway's clock, so that seeded history and the gateway's agree on "now". */
    readonly clock: Clock = systemClock,
  ) {}

  /** Runs an action as the person with this SSIN (created if unknown). */
  async as<T>(actorSsin: string, action: (scope: ActionScope) => Promise<T>): Promise<T> {
    const viewer = await this.person(actorSsin);
    return runAction({ dataSource: this.dataSource, viewer, catalog: this.catalog, requestId: "seed", clock: this.clock }, action);
  }

  async person(personSsin: string, names: { givenName?: string; familyName?: string } = {}): Promise<Person> {
    const repository = this.dataSource.getRepository(Person);
    const existing = await repository.findOneBy({ ssin: personSsin });
    if (existing) return existing;
    return repository.save(
      repository.create({
        ssin: personSsin,
        givenName: names.givenName ?? "Test",
        familyName: names.familyName ?? `Person ${personSsin.slice(-4)}`,
        email: null,
        phone: null,
        language: "NL",
        createdAt: new Date(),
      }),
    );
  }

  enterprise(options: { name?: string; defaultCapacity?: string; legalRepresentative?: string } = {}): EnterpriseBuilder {
    return new EnterpriseBuilder(this, options);
  }
}

export class EnterpriseBuilder {
  private readonly steps: Step[] = [];

  constructor(
    private readonly seed: Seed,
    private readonly options: { name?: string; defaultCapacity?: string; legalRepresentative?: string },
  ) {}

  private step(step: Step): this {
    this.steps.push(step);
    return this;
  }

  withMainAccessManager(mainSsin: string = ssin()): this {
    return this.step(async (state) => {
      await this.seed.as(state.legalRepresentative, (s) =>
        appointMainAccessManager(s, {
          enterprise: state.number,
          person: { ssin: mainSsin, givenName: "Main", familyName: `Manager ${mainSsin.slice(-4)}` },
        }),
      );
      state.mainAccessManager = mainSsin;
    });
  }

  active(): this {
    return this.step(async (state) => {
      await this.seed.as(state.mainAccessManager!, (s) => activateEnterpriseAccount(s, { enterprise: state.number }));
    });
  }

  withCapacity(capacity: string): this {
    return this.step(async (state) => {
      await this.seed.as(state.mainAccessManager!, (s) => activateCapacity(s, { enterprise: state.number, capacity }));
    });
  }

  withAccessManager(capacity: string, managerSsin: string = ssin()): this {
    return this.step(async (state) => {
      await this.seed.as(state.mainAccessManager!, (s) =>
        appointAccessManager(s, {
          enterprise: state.number,
          capacity,
          person: { ssin: managerSsin, givenName: "Access", familyName: `Manager ${managerSsin.slice(-4)}` },
        }),
      );
      state.accessManagers[capacity] = managerSsin;
    });
  }

  withUser(capacity: string, onlineServices: string[], userSsin: string = ssin()): this {
    return this.step(async (state) => {
      const assignment = await this.seed.as(state.mainAccessManager!, (s) =>
        addUser(s, {
          enterprise: state.number,
          capacity,
          onlineServices,
          person: { ssin: userSsin, givenName: "User", familyName: `Number ${userSsin.slice(-4)}` },
        }),
      );
      state.users.push({ ssin: userSsin, capacity, assignmentId: assignment.id, onlineServices });
    });
  }

  withEBox(notificationEmail = "ebox@example.be"): this {
    return this.step(async (state) => {
      await this.seed.as(state.legalRepresentative, (s) => activateEBox(s, { enterprise: state.number, notificationEmail }));
    });
  }

  withServiceProvider(provider: SeededEnterprise, capacity: string): this {
    return this.step(async (state) => {
      await this.seed.as(state.legalRepresentative, (s) =>
        appointServiceProvider(s, { enterprise: state.number, provider: provider.number, capacity }),
      );
    });
  }

  /** Registers the enterprise as the register import does (REGISTERED, one legal representative), then runs the steps. */
  async build(): Promise<SeededEnterprise> {
    const number = enterpriseNumber();
    const legalRepresentative = this.options.legalRepresentative ?? ssin();
    const person = await this.seed.person(legalRepresentative, {
      givenName: "Legal",
      familyName: `Representative ${legalRepresentative.slice(-4)}`,
    });
    const now = this.seed.clock.now();
    const enterprise = await this.seed.dataSource.getRepository(Enterprise).save({
      number,
      name: this.options.name ?? `Enterprise ${number}`,
      status: "REGISTERED",
      defaultCapacity: this.options.defaultCapacity ?? "EMPLOYER_NSSO",
      createdAt: now,
      updatedAt: now,
    });
    const fields = { personId: person.id, enterpriseId: enterprise.id, role: "LEGAL_REPRESENTATIVE" as const, capacityCode: null };
    await this.seed.dataSource.getRepository(RoleAssignment).insert({
      ...fields,
      grantedById: null,
      grantedAt: now,
      endedAt: null,
      endedById: null,
      activeKey: assignmentActiveKey(fields),
      exclusiveKey: null,
    });
    await recordRegistrations(this.seed.dataSource.manager, [enterprise.id], now);
    const state: SeededEnterprise = {
      id: enterprise.id,
      number,
      display: formatted(number),
      legalRepresentative,
      mainAccessManager: null,
      accessManagers: {},
      users: [],
    };
    for (const step of this.steps) await step(state);
    return state;
  }
}
