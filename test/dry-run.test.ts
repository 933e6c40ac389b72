import { gql, type GraphQLClient } from "graphql-request";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError, type ExpectedError } from "./support/graphql";
import { ssin } from "./support/identities";
import { snapshot } from "./support/snapshot";

const person = (s: string) => ({ ssin: s, givenName: "Dora", familyName: "Dry" });

const m = {
  appointMain: gql`mutation ($input: AppointMainAccessManagerInput!, $dryRun: Boolean) { appointMainAccessManager(input: $input, dryRun: $dryRun) { id role person { ssin givenName } enterprise { number status } } }`,
  activateAccount: gql`mutation ($e: EnterpriseNumber!, $dryRun: Boolean) { activateEnterpriseAccount(enterprise: $e, dryRun: $dryRun) { status capacities { capacity { code } status } myTasks } }`,
  activateCapacity: gql`mutation ($e: EnterpriseNumber!, $c: String!, $dryRun: Boolean) { activateCapacity(enterprise: $e, capacity: $c, dryRun: $dryRun) { capacity { code } status } }`,
  appointManager: gql`mutation ($input: AppointAccessManagerInput!, $dryRun: Boolean) { appointAccessManager(input: $input, dryRun: $dryRun) { id person { ssin familyName } capacity { code } } }`,
  addUser: gql`mutation ($input: AddUserInput!, $dryRun: Boolean) { addUser(input: $input, dryRun: $dryRun) { id person { ssin } onlineServices { code } } }`,
  setServices: gql`mutation ($input: SetUserOnlineServicesInput!, $dryRun: Boolean) { setUserOnlineServices(input: $input, dryRun: $dryRun) { id onlineServices { code } } }`,
  removeUser: gql`mutation ($a: ID!, $dryRun: Boolean) { removeUser(assignment: $a, dryRun: $dryRun) { id role } }`,
  revokeManager: gql`mutation ($a: ID!, $dryRun: Boolean) { revokeAccessManager(assignment: $a, dryRun: $dryRun) { id role } }`,
  activateEBox: gql`mutation ($input: ActivateEBoxInput!, $dryRun: Boolean) { activateEBox(input: $input, dryRun: $dryRun) { status notificationEmail } }`,
  markRead: gql`mutation ($e: EnterpriseNumber!, $m: ID!, $dryRun: Boolean) { markEBoxMessageRead(enterprise: $e, message: $m, dryRun: $dryRun) { id readAt } }`,
  configure: gql`mutation ($input: ConfigureStructuredMessagingInput!, $dryRun: Boolean) { configureStructuredMessaging(input: $input, dryRun: $dryRun) { channel senderNumber technicalContactEmail } }`,
  appointProvider: gql`mutation ($input: AppointServiceProviderInput!, $dryRun: Boolean) { appointServiceProvider(input: $input, dryRun: $dryRun) { id status provider { number } } }`,
  endMandate: gql`mutation ($id: ID!, $dryRun: Boolean) { endServiceProviderMandate(mandate: $id, dryRun: $dryRun) { id status } }`,
  updateMe: gql`mutation ($input: UpdateMyAccountInput!, $dryRun: Boolean) { updateMyAccount(input: $input, dryRun: $dryRun) { email language } }`,
  deleteAccess: gql`mutation ($input: DeleteEnterpriseAccessInput!, $dryRun: Boolean) { deleteEnterpriseAccess(input: $input, dryRun: $dryRun) { status } }`,
};

interface DryRunExtension {
  rolledBack: boolean;
  auditEvents: { action: string; enterprise: string | null; actor: string; details: { before: unknown; after: unknown }; previousHash: string | null; hash: string }[];
}

/**
 * Ids the database generates (and the ids and sender numbers made from them) and times differ between a dry run and
 * the real run (MySQL's auto-increment does not roll back; `now` moves on): the comparison masks them, and nothing else.
 */
function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === "id" || k === "senderNumber" || /(Id|At)$/.test(k) ? (v === null ? null : "*") : masked(v)]));
  return value;
}

describeEachDatabase("dry runs of the management mutations", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  /** Runs the mutation dry, checks that nothing changed, runs it for real, and checks both answers and audit events agree. */
  async function dryThenReal<T>(client: GraphQLClient, document: string, variables: Record<string, unknown>, action: string): Promise<T> {
    const before = await snapshot(gw.dataSource);
    const dry = await client.rawRequest<T>(document, { ...variables, dryRun: true });
    expect(await snapshot(gw.dataSource)).toEqual(before);
    const real = await client.rawRequest<T>(document, variables);
    expect(dry.errors).toBeUndefined();
    expect(masked(dry.data)).toEqual(masked(real.data));
    expect(real.extensions).toBeUndefined();
    const { rolledBack, auditEvents } = (dry.extensions as { dryRun: DryRunExtension }).dryRun;
    expect(rolledBack).toBe(true);
    expect(auditEvents).toHaveLength(1);
    const [written] = await gw.dataSource.query("SELECT action, details, previous_hash FROM audit_event ORDER BY id DESC LIMIT 1");
    expect(auditEvents[0]).toMatchObject({ action, previousHash: written.previous_hash });
    expect(masked(auditEvents[0].details)).toEqual(masked(JSON.parse(written.details)));
    return real.data;
  }

  async function refusedAlike(client: GraphQLClient, document: string, variables: Record<string, unknown>, expected: ExpectedError) {
    const before = await snapshot(gw.dataSource);
    const dry = await expectError(client.request(document, { ...variables, dryRun: true }), expected);
    const real = await expectError(client.request(document, variables), expected);
    expect(dry).toEqual(real);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  }

  it("answers every management mutation the same dry as for real, with the audit event it would write, and changes nothing", async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const e = await gw.seed.enterprise().build();
    const lr = await gw.client(e.legalRepresentative);
    const mainSsin = ssin();
    await dryThenReal(lr, m.appointMain, { input: { enterprise: e.number, person: person(mainSsin) } }, "APPOINT_MAIN_ACCESS_MANAGER");
    const main = await gw.client(mainSsin);
    await dryThenReal(main, m.activateAccount, { e: e.number }, "ACTIVATE_ENTERPRISE_ACCOUNT");
    await dryThenReal(main, m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" }, "ACTIVATE_CAPACITY");
    const manager = await dryThenReal<{ appointAccessManager: { id: string } }>(main, m.appointManager, { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin()) } }, "APPOINT_ACCESS_MANAGER");
    const user = await dryThenReal<{ addUser: { id: string } }>(main, m.addUser, { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) } }, "MANAGE_USERS");
    await dryThenReal(main, m.setServices, { input: { assignment: user.addUser.id, onlineServices: ["DMFA", "DRS"] } }, "MANAGE_USERS");
    await dryThenReal(main, m.removeUser, { a: user.addUser.id }, "MANAGE_USERS");
    await dryThenReal(main, m.revokeManager, { a: manager.appointAccessManager.id }, "APPOINT_ACCESS_MANAGER");
    await dryThenReal(lr, m.activateEBox, { input: { enterprise: e.number, notificationEmail: "ebox@example.be" } }, "ACTIVATE_EBOX");
    const [message] = await gw.dataSource.query("SELECT id FROM ebox_message WHERE enterprise_id = ?", [e.id]);
    await dryThenReal(main, m.markRead, { e: e.number, m: String(message.id) }, "USE_EBOX");
    await dryThenReal(main, m.configure, { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", channel: "SOAP", technicalContactEmail: "it@example.be" } }, "CONFIGURE_STRUCTURED_MESSAGES");
    const mandate = await dryThenReal<{ appointServiceProvider: { id: string } }>(lr, m.appointProvider, { input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" } }, "APPOINT_SERVICE_PROVIDER");
    await dryThenReal(lr, m.endMandate, { id: mandate.appointServiceProvider.id }, "APPOINT_SERVICE_PROVIDER");
    await dryThenReal(main, m.updateMe, { input: { email: "dora@example.be", language: "FR" } }, "UPDATE_MY_ACCOUNT");
    await dryThenReal(lr, m.deleteAccess, { input: { enterprise: e.number, reason: "Closing down" } }, "DELETE_ENTERPRISE_ACCESS");
  });

  it("refuses a dry run exactly as the real action, and changes nothing either way", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    await refusedAlike(await gw.client(e.mainAccessManager!), m.activateAccount, { e: e.number }, { code: "CONFLICT", reason: "ALREADY_ACTIVE" });
    const stranger = await gw.client(ssin());
    // Signing in for the first time creates the person: done before, so that only the mutations are compared.
    await stranger.request(gql`{ me { ssin } }`);
    await refusedAlike(stranger, m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" }, { code: "FORBIDDEN" });
    await refusedAlike(await gw.client(e.mainAccessManager!), m.activateCapacity, { e: e.number, c: "NO_SUCH_CAPACITY" }, { code: "BAD_USER_INPUT", field: "capacity" });
    const before = await snapshot(gw.dataSource);
    await expectError((await gw.client(e.mainAccessManager!)).request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF", dryRun: "yes" }), { code: "BAD_USER_INPUT", field: "dryRun" });
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("refuses a mutation after a dry run in the same operation, and leaves the dry run rolled back", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const before = await snapshot(gw.dataSource);
    const both = gql`mutation ($e: EnterpriseNumber!) {
      dry: activateCapacity(enterprise: $e, capacity: "ENTERPRISE_WITHOUT_STAFF", dryRun: true) { status }
      real: updateMyAccount(input: { language: DE }) { language }
    }`;
    await expectError(main.request(both, { e: e.number }), { code: "BAD_USER_INPUT", field: "dryRun" });
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });
});
