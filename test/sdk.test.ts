import { print } from "graphql";
import { GraphQLClient } from "graphql-request";
import { DeleteEnterpriseAccessPreviewDocument } from "../src/client/generated/operations";
import { snapshot } from "./support/snapshot";
import { getSdk, type Sdk, type SdkFunctionWrapper } from "../src/client/generated/sdk";
import { ConsistencyTokens, createSdk, drainAccessDelta, isSyncTokenExpired } from "../src/client";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";

/** Every front-end use case of schema/operations, through the generated SDK, against the real server. */
describeEachDatabase("the typed SDK", (dialect) => {
  let gw: TestGateway;
  const succeeded = new Set<string>();
  // Records an operation only once the server answered it without errors (graphql-request throws on any error).
  const recordSuccess: SdkFunctionWrapper = async (action, operationName) => {
    const result = await action();
    succeeded.add(operationName);
    return result;
  };
  const sdkFor = async (personSsin: string): Promise<Sdk> =>
    getSdk(new GraphQLClient(gw.url, { headers: { authorization: `Bearer ${await gw.token(personSsin)}` } }), recordSuccess);

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  it("reads the catalog, the role-task table, the error catalogue, my enterprises with my tasks and my roles, and updates my account", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const user = await sdkFor(enterprise.users[0].ssin);

    const catalog = await user.Catalog({ language: "EN" });
    expect(catalog.capacities.find((c) => c.code === "EMPLOYER_NSSO")).toMatchObject({
      name: "Employer NSSO",
      onlineServices: expect.arrayContaining([{ code: "DIMONA", name: expect.any(String) }]),
    });
    const table = await user.RoleTasks();
    expect(table.roleTasks.find((r) => r.role === "USER")?.tasks).toEqual(["USE_ONLINE_SERVICES", "USE_EBOX"]);
    // The error catalogue needs no token: a sign-in page words UNAUTHENTICATED with it.
    const { errorCatalog } = await getSdk(new GraphQLClient(gw.url), recordSuccess).ErrorCatalog();
    expect(errorCatalog.conflictReasons).toContainEqual({ reason: "ALREADY_ACTIVE", description: expect.stringMatching(/already active/) });
    // Rate limits are off in the suites' gateways: no budget (test/cost.test.ts has it on).
    expect(await user.RateLimit()).toEqual({ rateLimit: null });

    const main = await sdkFor(enterprise.mainAccessManager!);
    const mine = await main.MyEnterprises();
    expect(mine.me.ssin).toBe(enterprise.mainAccessManager);
    // USE_EBOX is not among the tasks: the e-Box is not activated yet.
    expect(mine.myEnterprises).toEqual([
      {
        id: expect.any(String),
        number: enterprise.display,
        name: expect.any(String),
        status: "ACTIVE",
        myTasks: [
          "ACTIVATE_ENTERPRISE_ACCOUNT",
          "ACTIVATE_CAPACITY",
          "MANAGE_USERS",
          "APPOINT_ACCESS_MANAGER",
          "USE_ONLINE_SERVICES",
          "CONFIGURE_STRUCTURED_MESSAGES",
        ],
      },
    ]);

    const roles = await user.MyRoles();
    expect(roles.me.roles).toEqual([
      expect.objectContaining({
        role: "USER",
        capacity: { code: "EMPLOYER_NSSO" },
        enterprise: { number: enterprise.display, name: expect.any(String) },
      }),
    ]);
    const updated = await user.UpdateMyAccount({ input: { email: "user@example.be", language: "FR" } });
    expect(updated.updateMyAccount).toMatchObject({ email: "user@example.be", language: "FR" });
  });

  it("sets up an enterprise from the register: main access manager, activation, capacity, access managers, dashboard and audit trail", async () => {
    const enterprise = await gw.seed.enterprise({ defaultCapacity: "EMPLOYER_NSSO" }).build();
    const legalRepresentative = await sdkFor(enterprise.legalRepresentative);
    const mainSsin = ssin();
    const appointed = await legalRepresentative.AppointMainAccessManager({
      input: { enterprise: enterprise.number, person: { ssin: mainSsin, givenName: "Mira", familyName: "Main" } },
    });
    expect(appointed.appointMainAccessManager).toMatchObject({
      role: "MAIN_ACCESS_MANAGER",
      person: { ssin: mainSsin },
      enterprise: { status: "PENDING_ACTIVATION" },
    });

    const main = await sdkFor(mainSsin);
    const activated = await main.ActivateEnterpriseAccount({ enterprise: enterprise.number });
    expect(activated.activateEnterpriseAccount.status).toBe("ACTIVE");
    const capacity = await main.ActivateCapacity({ enterprise: enterprise.number, capacity: "ENTERPRISE_WITHOUT_STAFF" });
    expect(capacity.activateCapacity).toMatchObject({ status: "ACTIVE", capacity: { code: "ENTERPRISE_WITHOUT_STAFF" } });

    const managerSsin = ssin();
    const manager = await main.AppointAccessManager({
      input: {
        enterprise: enterprise.number,
        capacity: "EMPLOYER_NSSO",
        person: { ssin: managerSsin, givenName: "Toon", familyName: "Manager" },
      },
    });
    expect(manager.appointAccessManager).toMatchObject({
      role: "ACCESS_MANAGER",
      capacity: { code: "EMPLOYER_NSSO" },
      person: { ssin: managerSsin },
    });

    const dashboard = await (await sdkFor(managerSsin)).AccessManagerDashboard({ enterprise: enterprise.number, language: "NL" });
    expect(dashboard.enterprise).toMatchObject({
      status: "ACTIVE",
      mainAccessManager: { ssin: mainSsin },
      eBox: { status: "NOT_ACTIVATED" },
      users: { totalCount: 0 },
      serviceProviders: [],
      structuredMessaging: [],
    });
    expect(dashboard.enterprise?.accessManagers.edges.map((e) => e.node.person.ssin)).toContain(managerSsin);
    expect(
      dashboard.enterprise?.capacities
        .filter((c) => c.status === "ACTIVE")
        .map((c) => c.capacity.name)
        .sort(),
    ).toEqual(["Onderneming zonder personeel", "Werkgever RSZ"]);

    const revoked = await main.RevokeAccessManager({ assignment: manager.appointAccessManager.id });
    expect(revoked.revokeAccessManager).toEqual({ id: manager.appointAccessManager.id, role: "ACCESS_MANAGER" });

    const trail = await legalRepresentative.AuditTrail({ enterprise: enterprise.number, first: 10 });
    expect(trail.enterprise?.auditTrail.edges.map((e) => e.node.action)).toEqual([
      "APPOINT_MAIN_ACCESS_MANAGER",
      "ACTIVATE_ENTERPRISE_ACCOUNT",
      "ACTIVATE_CAPACITY",
      "APPOINT_ACCESS_MANAGER",
      "APPOINT_ACCESS_MANAGER",
    ]);
    const chain = (await legalRepresentative.AuditChain({ enterprise: enterprise.number, first: 10 })).enterprise!.auditTrail.edges.map(
      (e) => e.node,
    );
    expect(chain.map((e) => e.id)).toEqual(trail.enterprise?.auditTrail.edges.map((e) => e.node.id));
    chain.forEach((e, i) => expect(e.previousHash).toBe(i === 0 ? null : chain[i - 1].hash));
  });

  it("manages the users of a capacity with their online services, and answers the decision queries", async () => {
    const enterprise = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("EMPLOYER_NSSO")
      .build();
    const manager = await sdkFor(enterprise.accessManagers.EMPLOYER_NSSO);
    const userSsin = ssin();
    const added = await manager.AddUser({
      input: {
        enterprise: enterprise.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: { ssin: userSsin, givenName: "Uma", familyName: "User" },
      },
    });
    expect(added.addUser).toMatchObject({ role: "USER", onlineServices: [{ code: "DIMONA" }], tasks: ["USE_ONLINE_SERVICES", "USE_EBOX"] });
    const changed = await manager.SetUserOnlineServices({ input: { assignment: added.addUser.id, onlineServices: ["DMFA", "DIMONA"] } });
    expect(changed.setUserOnlineServices.onlineServices.map((s) => s.code)).toEqual(["DIMONA", "DMFA"]);

    const users = await manager.EnterpriseUsers({ enterprise: enterprise.number, capacity: "EMPLOYER_NSSO", language: "FR" });
    expect(users.enterprise?.users.totalCount).toBe(1);
    expect(users.enterprise?.users.edges[0].node).toMatchObject({
      capacity: { code: "EMPLOYER_NSSO", name: "Employeur ONSS" },
      person: { ssin: userSsin, givenName: "Uma" },
      onlineServices: [
        { code: "DIMONA", name: expect.any(String) },
        { code: "DMFA", name: expect.any(String) },
      ],
    });
    const otherCapacity = await manager.EnterpriseUsers({ enterprise: enterprise.number, capacity: "ENTERPRISE_WITHOUT_STAFF" });
    expect(otherCapacity.enterprise?.users.totalCount).toBe(0);
    const found = await manager.SearchRoleAssignments({
      enterprise: enterprise.number,
      search: "UMA",
      onlineService: "DMFA",
      orderBy: { field: "FAMILY_NAME", direction: "DESC" },
      last: 10,
    });
    expect(found.enterprise?.roleAssignments).toMatchObject({ totalCount: 1, nodes: [{ person: { ssin: userSsin, givenName: "Uma" } }] });

    const user = await sdkFor(userSsin);
    await expect(
      user.Can({ enterprise: enterprise.number, task: "USE_ONLINE_SERVICES", capacity: "EMPLOYER_NSSO" }),
    ).resolves.toMatchObject({ can: { allowed: true, reason: "GRANTED_BY_ROLE" } });
    await expect(user.Can({ enterprise: enterprise.number, task: "MANAGE_USERS" })).resolves.toMatchObject({
      can: { allowed: false, reason: "ROLE_LACKS_TASK", via: [] },
    });
    await expect(user.CanUseOnlineService({ enterprise: enterprise.number, onlineService: "DMFA" })).resolves.toMatchObject({
      canUseOnlineService: { allowed: true, reason: "GRANTED_BY_ROLE" },
    });
    await expect(user.CanUseOnlineService({ enterprise: enterprise.number, onlineService: "DRS" })).resolves.toMatchObject({
      canUseOnlineService: { allowed: false, reason: "ONLINE_SERVICE_NOT_GRANTED" },
    });

    const removed = await manager.RemoveUser({ assignment: added.addUser.id });
    expect(removed.removeUser).toEqual({ id: added.addUser.id, role: "USER" });
  });

  it("provisions users in bulk: a preview, then adds, changes and removes them in one call each", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    const manager = await sdkFor(enterprise.accessManagers.EMPLOYER_NSSO);
    const input = {
      enterprise: enterprise.number,
      capacity: "EMPLOYER_NSSO",
      users: [ssin(), ssin(), ssin()].map((s, i) => ({
        person: { ssin: s, givenName: "Bea", familyName: `Bulk ${i}` },
        onlineServices: ["DIMONA"],
      })),
    };
    const preview = await manager.AddUsersPreview({ input });
    expect(preview.addUsers).toMatchObject({ atomic: true, done: 3, refused: 0 });
    const added = await manager.AddUsers({ input });
    expect(added.addUsers.items.map((i) => i.assignment?.person.familyName)).toEqual(["Bulk 0", "Bulk 1", "Bulk 2"]);
    const ids = added.addUsers.items.map((i) => i.assignment!.id);
    const again = await manager.AddUsers({ input, atomic: false });
    expect(again.addUsers.items.map((i) => i.error?.reason)).toEqual(["ALREADY_ASSIGNED", "ALREADY_ASSIGNED", "ALREADY_ASSIGNED"]);
    const changed = await manager.SetUsersOnlineServices({
      input: {
        enterprise: enterprise.number,
        capacity: "EMPLOYER_NSSO",
        users: ids.map((assignment) => ({ assignment, onlineServices: ["DMFA"] })),
      },
    });
    expect(changed.setUsersOnlineServices.items.map((i) => i.assignment?.onlineServices)).toEqual([
      [{ code: "DMFA" }],
      [{ code: "DMFA" }],
      [{ code: "DMFA" }],
    ]);
    const removed = await manager.RemoveUsers({ input: { enterprise: enterprise.number, capacity: "EMPLOYER_NSSO", assignments: ids } });
    expect(removed.removeUsers).toMatchObject({ done: 3, refused: 0 });
  });

  it("runs the e-Box, structured messaging and service providers, and deletes the enterprise's access", async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    const legalRepresentative = await sdkFor(enterprise.legalRepresentative);
    const manager = await sdkFor(enterprise.accessManagers.EMPLOYER_NSSO);

    const eBox = await legalRepresentative.ActivateEBox({ input: { enterprise: enterprise.number, notificationEmail: "ebox@example.be" } });
    expect(eBox.activateEBox).toMatchObject({ status: "ACTIVE", notificationEmail: "ebox@example.be" });
    const inbox = await manager.EBoxMessages({ enterprise: enterprise.number });
    const first = inbox.enterprise?.eBox.messages.edges[0]?.node;
    expect(first).toMatchObject({ readAt: null, subject: expect.any(String) });
    const read = await manager.MarkEBoxMessageRead({ enterprise: enterprise.number, message: first!.id });
    expect(read.markEBoxMessageRead).toEqual({ id: first!.id, readAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const configured = await manager.ConfigureStructuredMessaging({
      input: { enterprise: enterprise.number, capacity: "EMPLOYER_NSSO", channel: "SFTP", technicalContactEmail: "it@example.be" },
    });
    expect(configured.configureStructuredMessaging).toMatchObject({
      channel: "SFTP",
      capacity: { code: "EMPLOYER_NSSO" },
      senderNumber: expect.any(String),
    });

    const mandate = await legalRepresentative.AppointServiceProvider({
      input: { enterprise: enterprise.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
    });
    expect(mandate.appointServiceProvider).toMatchObject({
      status: "ACTIVE",
      client: { number: enterprise.display },
      provider: { number: provider.display },
    });
    const ended = await legalRepresentative.EndServiceProviderMandate({ mandate: mandate.appointServiceProvider.id });
    expect(ended.endServiceProviderMandate).toMatchObject({ status: "ENDED", endedAt: expect.any(String) });
    const providers = await legalRepresentative.ServiceProviders({ enterprise: enterprise.number, status: "ENDED" });
    expect(providers.enterprise?.serviceProvidersConnection).toMatchObject({
      totalCount: 1,
      nodes: [{ status: "ENDED", provider: { number: provider.display } }],
    });
    const clients = await (await sdkFor(provider.mainAccessManager!)).Clients({ enterprise: provider.number, search: enterprise.number });
    expect(clients.enterprise?.clientsConnection.nodes).toEqual([
      expect.objectContaining({ client: expect.objectContaining({ number: enterprise.display }) }),
    ]);

    const deleted = await legalRepresentative.DeleteEnterpriseAccess({
      input: { enterprise: enterprise.number, reason: "The enterprise stopped" },
    });
    expect(deleted.deleteEnterpriseAccess).toEqual({ number: enterprise.display, status: "ACCESS_DELETED" });
  });

  it("previews appointments, a user and a deletion with the ...Preview operations: the real answer, the audit events in extensions, nothing changed", async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await sdkFor(enterprise.mainAccessManager!);
    const legalRepresentative = await sdkFor(enterprise.legalRepresentative);
    const before = await snapshot(gw.dataSource);

    const person = { ssin: ssin(), givenName: "Pia", familyName: "Preview" };
    const newMain = await legalRepresentative.AppointMainAccessManagerPreview({ input: { enterprise: enterprise.number, person } });
    expect(newMain.appointMainAccessManager).toMatchObject({
      role: "MAIN_ACCESS_MANAGER",
      person: { ssin: person.ssin },
      enterprise: { number: enterprise.display },
    });
    const user = await main.AddUserPreview({
      input: { enterprise: enterprise.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person },
    });
    expect(user.addUser).toMatchObject({ role: "USER", capacity: { code: "EMPLOYER_NSSO" }, onlineServices: [{ code: "DIMONA" }] });
    const mandate = await legalRepresentative.AppointServiceProviderPreview({
      input: { enterprise: enterprise.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
    });
    expect(mandate.appointServiceProvider).toMatchObject({ status: "ACTIVE", provider: { number: provider.display } });
    const deleted = await legalRepresentative.DeleteEnterpriseAccessPreview({
      input: { enterprise: enterprise.number, reason: "Just looking" },
    });
    expect(deleted.deleteEnterpriseAccess).toEqual({ number: enterprise.display, status: "ACCESS_DELETED" });
    expect(await snapshot(gw.dataSource)).toEqual(before);

    // The audit events a preview would write travel in the response's extensions (graphql-request's rawRequest).
    const raw = new GraphQLClient(gw.url, { headers: { authorization: `Bearer ${await gw.token(enterprise.legalRepresentative)}` } });
    const { data, extensions } = await raw.rawRequest<{ deleteEnterpriseAccess: { status: string } }>(
      print(DeleteEnterpriseAccessPreviewDocument),
      {
        input: { enterprise: enterprise.number, reason: "Just looking" },
      },
    );
    expect(data.deleteEnterpriseAccess.status).toBe("ACCESS_DELETED");
    expect(extensions).toMatchObject({
      dryRun: { rolledBack: true, auditEvents: [expect.objectContaining({ action: "DELETE_ENTERPRISE_ACCESS" })] },
    });
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("appoints access managers, users and a service provider until a date, extends a user, and lists what expires soon", async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await sdkFor(enterprise.mainAccessManager!);
    const legalRepresentative = await sdkFor(enterprise.legalRepresentative);
    const inDays = (n: number) => new Date(Date.now() + n * 24 * 60 * 60 * 1000).toISOString();
    const manager = await main.AppointAccessManagerUntil({
      enterprise: enterprise.number,
      capacity: "EMPLOYER_NSSO",
      person: { ssin: ssin(), givenName: "Tia", familyName: "Temp" },
      validUntil: inDays(20),
    });
    expect(manager.appointAccessManager).toMatchObject({ role: "ACCESS_MANAGER", validUntil: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const user = await main.AddUserUntil({
      enterprise: enterprise.number,
      capacity: "EMPLOYER_NSSO",
      person: { ssin: ssin(), givenName: "Ugo", familyName: "Until" },
      onlineServices: ["DIMONA"],
      validUntil: inDays(5),
    });
    const extended = await main.SetUserOnlineServicesUntil({
      assignment: user.addUser.id,
      onlineServices: ["DIMONA", "DMFA"],
      validUntil: inDays(10),
    });
    expect(extended.setUserOnlineServices.onlineServices).toEqual([{ code: "DIMONA" }, { code: "DMFA" }]);
    const mandate = await legalRepresentative.AppointServiceProviderUntil({
      enterprise: enterprise.number,
      provider: provider.number,
      capacity: "EMPLOYER_NSSO",
      validUntil: inDays(60),
    });
    expect(mandate.appointServiceProvider).toMatchObject({ status: "ACTIVE", validUntil: expect.any(String) });

    const soon = await main.ExpiringRights({ enterprise: enterprise.number });
    expect(soon.enterprise?.expiringSoon.map((item) => [item.kind, item.assignment?.id ?? item.mandate?.id])).toEqual([
      ["ROLE_ASSIGNMENT", user.addUser.id],
      ["ROLE_ASSIGNMENT", manager.appointAccessManager.id],
    ]);
    const later = await legalRepresentative.ExpiringRights({ enterprise: enterprise.number, within: 90 });
    expect(later.enterprise?.expiringSoon.map((item) => item.kind)).toEqual([
      "ROLE_ASSIGNMENT",
      "ROLE_ASSIGNMENT",
      "SERVICE_PROVIDER_MANDATE",
    ]);
  });

  it("asks what was true at a past instant: could I, could I have used DIMONA, and who held which role then", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const legalRepresentative = await sdkFor(enterprise.legalRepresentative);
    const before = new Date().toISOString();
    await legalRepresentative.DeleteEnterpriseAccess({ input: { enterprise: enterprise.number, reason: "The enterprise stopped" } });

    await expect(legalRepresentative.Can({ enterprise: enterprise.number, task: "ACTIVATE_EBOX" })).resolves.toMatchObject({
      can: { allowed: false, reason: "ENTERPRISE_ACCESS_DELETED" },
    });
    await expect(
      legalRepresentative.CanAsOf({ enterprise: enterprise.number, task: "ACTIVATE_EBOX", asOf: before }),
    ).resolves.toMatchObject({
      can: { allowed: true, reason: "GRANTED_BY_ROLE", via: [{ role: "LEGAL_REPRESENTATIVE" }] },
    });
    await expect(
      legalRepresentative.CanUseOnlineServiceAsOf({ enterprise: enterprise.number, onlineService: "DIMONA", asOf: before }),
    ).resolves.toMatchObject({
      canUseOnlineService: { allowed: false, reason: "ROLE_LACKS_TASK" },
    });
    const then = await legalRepresentative.RoleAssignmentsAsOf({ enterprise: enterprise.number, asOf: before, role: "USER" });
    expect(then.enterprise?.roleAssignments).toMatchObject({
      totalCount: 1,
      nodes: [{ role: "USER", person: { ssin: enterprise.users[0].ssin }, onlineServices: [{ code: "DIMONA" }] }],
    });
  });

  it("sends back, with every request, the latest consistency token its answers carried (createSdk)", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const sent: (string | null)[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(new Headers(init?.headers).get("consistency-token"));
      return fetch(input, init);
    };
    const consistency = new ConsistencyTokens();
    const main = createSdk(gw.url, {
      headers: { authorization: `Bearer ${await gw.token(enterprise.mainAccessManager!)}` },
      consistency,
      fetch: recording,
    });
    await main.MyEnterprises();
    expect(consistency.latest).toBeNull();
    await main.AddUser({
      input: {
        enterprise: enterprise.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: { ssin: ssin(), givenName: "Sent", familyName: "Back" },
      },
    });
    const received = consistency.latest;
    expect(received).toMatch(/^(latest|gtid:[\d,-]+)$/);
    const users = await main.EnterpriseUsers({ enterprise: enterprise.number });
    expect(users.enterprise?.users.totalCount).toBe(1);
    expect(sent).toEqual([null, null, received]);
  });

  it("drains a delta: a full sync page by page to its delta token, then the changes since, and starts over on SYNC_TOKEN_EXPIRED", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withEBox().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const rep = await sdkFor(enterprise.legalRepresentative);
    const full = await drainAccessDelta(rep, { first: 2 });
    expect(full.pages).toBeGreaterThan(1);
    expect(full.changes.every((c) => c.change === "CURRENT" && c.enterprise === enterprise.display)).toBe(true);
    expect(full.changes.map((c) => c.item.__typename)).toEqual(
      expect.arrayContaining(["Enterprise", "EnterpriseCapacity", "EBox", "RoleAssignment"]),
    );

    const main = await sdkFor(enterprise.mainAccessManager!);
    const person = { ssin: ssin(), givenName: "Drain", familyName: "Delta" };
    const { addUser } = await main.AddUser({
      input: { enterprise: enterprise.number, capacity: "EMPLOYER_NSSO", person, onlineServices: ["DMFA"] },
    });
    // On MySQL the changes of the last DELTA_SETTLE_SECONDS come again (docs/operations.md, "Delta sync"): the seed's among them.
    const since = await drainAccessDelta(rep, { token: full.deltaToken });
    expect(since.changes.filter((c) => c.item.__typename === "RoleAssignment" && c.item.id === addUser.id)).toEqual([
      {
        change: "CREATED",
        at: expect.any(String),
        enterprise: enterprise.display,
        item: expect.objectContaining({ __typename: "RoleAssignment", id: addUser.id, onlineServices: [{ code: "DMFA" }] }),
      },
    ]);
    const altered = `${since.deltaToken.slice(0, 10)}${since.deltaToken[10] === "A" ? "B" : "A"}${since.deltaToken.slice(11)}`;
    const refused = await drainAccessDelta(rep, { token: altered }).catch((error: unknown) => error);
    expect(isSyncTokenExpired(refused)).toBe(true);
  });

  it("asks for access, lists it to decide, denies, approves with a preview, and withdraws", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    const manager = await sdkFor(enterprise.accessManagers.EMPLOYER_NSSO);
    const asker = await sdkFor(ssin());
    const input = { enterprise: enterprise.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], message: "For payroll" };
    const next = await asker.CanRequestOnlineService({ enterprise: enterprise.number, onlineService: "DIMONA" });
    expect(next.canUseOnlineService).toMatchObject({ allowed: false, accessRequest: { possible: true, status: null } });
    const first = (await asker.RequestAccess({ input })).requestAccess;
    expect(first).toMatchObject({ status: "PENDING", message: "For payroll", requester: { ssin: expect.any(String) } });
    const queue = await manager.AccessRequestsToDecide({ enterprise: enterprise.number });
    expect(queue.enterprise?.accessRequests).toMatchObject({ totalCount: 1, nodes: [{ id: first.id, requester: { ssin: null } }] });
    expect((await manager.DenyAccessRequest({ id: first.id, reason: "Wrong capacity" })).denyAccessRequest.status).toBe("DENIED");
    const second = (await asker.RequestAccess({ input })).requestAccess;
    const preview = await manager.ApproveAccessRequestPreview({ id: second.id });
    expect(preview.approveAccessRequest).toMatchObject({ role: "USER", onlineServices: [{ code: "DIMONA" }] });
    expect((await manager.ApproveAccessRequest({ id: second.id })).approveAccessRequest).toMatchObject({ role: "USER" });
    const third = (await asker.RequestAccess({ input: { ...input, capacity: "ENTERPRISE_WITHOUT_STAFF", onlineServices: ["LIMOSA"] } }))
      .requestAccess;
    expect((await asker.WithdrawAccessRequest({ id: third.id })).withdrawAccessRequest.status).toBe("WITHDRAWN");
    const mine = await asker.MyAccessRequests({});
    expect(mine.myAccessRequests.nodes.map((r) => r.status)).toEqual(["WITHDRAWN", "APPROVED", "DENIED"]);
  });

  it("runs an access review: started, listed by a reviewer, decided, completed early", async () => {
    const enterprise = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withAccessManager("EMPLOYER_NSSO")
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .build();
    const main = await sdkFor(enterprise.mainAccessManager!);
    const { startAccessReview: review } = await main.StartAccessReview({
      input: { enterprise: enterprise.number, dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), defaultDecision: "KEEP" },
    });
    expect(review).toMatchObject({ status: "OPEN", reviewers: "CAPACITY_MANAGERS", recurrence: null });
    const manager = await sdkFor(enterprise.accessManagers.EMPLOYER_NSSO);
    const listed = await manager.AccessReviews({ enterprise: enterprise.number });
    expect(listed.enterprise?.accessReviews.nodes.map((r) => r.id)).toEqual([review.id]);
    const items = await manager.AccessReviewItems({ enterprise: enterprise.number, id: review.id, decided: false });
    const [item] = items.enterprise!.accessReview!.items.nodes;
    expect(item).toMatchObject({ role: "USER", status: "PENDING", capacity: { code: "EMPLOYER_NSSO" } });
    const decided = await manager.DecideAccessReviewItem({ id: item.id, decision: "REMOVE", note: "Left the company" });
    expect(decided.decideAccessReviewItem).toMatchObject({ status: "REMOVED", decision: "REMOVE", note: "Left the company" });
    const completed = await main.CompleteAccessReview({ id: review.id });
    expect(completed.completeAccessReview.status).toBe("COMPLETED");
  });

  it("has run every operation of schema/operations successfully", () => {
    const everyOperation = Object.keys(getSdk(new GraphQLClient(gw.url))).sort();
    expect(everyOperation.length).toBeGreaterThanOrEqual(25);
    expect([...succeeded].sort()).toEqual(everyOperation);
  });
});

describe("the SDK's consistency tokens", () => {
  it("keeps, of two tokens arriving in either order, the one that names both states", () => {
    const kept = (...tokens: string[]) => {
      const consistency = new ConsistencyTokens();
      for (const token of tokens) consistency.remember(token);
      return consistency.latest;
    };
    expect(kept("gtid:0-1-9", "gtid:0-1-5")).toBe("gtid:0-1-9");
    expect(kept("gtid:0-1-5", "gtid:0-1-9")).toBe("gtid:0-1-9");
    expect(kept("gtid:0-1-9", "gtid:1-2-3,0-1-5")).toBe("gtid:0-1-9,1-2-3");
    expect(kept("gtid:0-1-18446744073709551615", "gtid:0-1-18446744073709551614")).toBe("gtid:0-1-18446744073709551615");
    expect(kept("gtid:0-1-9", "latest", "gtid:0-1-10")).toBe("latest");
  });
});
