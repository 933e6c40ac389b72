import type { GraphQLClient } from "graphql-request";
import { Access } from "../src/access/access";
import type { Task } from "../src/access/role-tasks";
import { mutationActions } from "../src/management/registry";
import { mutationRules } from "../src/graphql/mutation-rules";
import { buildTypedSchema } from "../src/graphql/schema";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";

const mutationFields = Object.keys(buildTypedSchema().getMutationType()!.getFields()).sort();
const declared = Object.values(mutationActions);

describe("the mutation registry", () => {
  it("declares exactly one action for every Mutation field of the schema, under the field's own name", () => {
    const names = declared.map((action) => action.mutation);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(mutationFields);
    expect(Object.keys(mutationRules).sort()).toEqual(mutationFields);
  });

  it("builds each mutation's shield rule from the task its action declares", () => {
    for (const action of declared) {
      expect({ mutation: action.mutation, rule: mutationRules[action.mutation].name }).toEqual({
        mutation: action.mutation,
        rule: action.target ? `performs:${action.task}:${action.target.name}` : "isAuthenticated",
      });
    }
  });
});

const person = (s: string) => ({ ssin: s, givenName: "Reggie", familyName: "Stry" });

/** Each mutation with the least of an answer: a field that decided something itself would blur what is counted here. */
const m = {
  appointMainAccessManager: `mutation ($input: AppointMainAccessManagerInput!) { appointMainAccessManager(input: $input) { id } }`,
  activateEnterpriseAccount: `mutation ($e: EnterpriseNumber!) { activateEnterpriseAccount(enterprise: $e) { id } }`,
  activateCapacity: `mutation ($e: EnterpriseNumber!, $c: String!) { activateCapacity(enterprise: $e, capacity: $c) { status } }`,
  appointAccessManager: `mutation ($input: AppointAccessManagerInput!) { appointAccessManager(input: $input) { id } }`,
  addUser: `mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`,
  setUserOnlineServices: `mutation ($input: SetUserOnlineServicesInput!) { setUserOnlineServices(input: $input) { id } }`,
  removeUser: `mutation ($a: ID!) { removeUser(assignment: $a) { id } }`,
  revokeAccessManager: `mutation ($a: ID!) { revokeAccessManager(assignment: $a) { id } }`,
  activateEBox: `mutation ($input: ActivateEBoxInput!) { activateEBox(input: $input) { status } }`,
  markEBoxMessageRead: `mutation ($e: EnterpriseNumber!, $m: ID!) { markEBoxMessageRead(enterprise: $e, message: $m) { id } }`,
  configureStructuredMessaging: `mutation ($input: ConfigureStructuredMessagingInput!) { configureStructuredMessaging(input: $input) { senderNumber } }`,
  appointServiceProvider: `mutation ($input: AppointServiceProviderInput!) { appointServiceProvider(input: $input) { id } }`,
  endServiceProviderMandate: `mutation ($id: ID!) { endServiceProviderMandate(mandate: $id) { id } }`,
  updateMyAccount: `mutation ($input: UpdateMyAccountInput!) { updateMyAccount(input: $input) { id } }`,
  deleteEnterpriseAccess: `mutation ($input: DeleteEnterpriseAccessInput!) { deleteEnterpriseAccess(input: $input) { id } }`,
  addUsers: `mutation ($input: AddUsersInput!) { addUsers(input: $input) { items { assignment { id } } } }`,
  setUsersOnlineServices: `mutation ($input: SetUsersOnlineServicesInput!) { setUsersOnlineServices(input: $input) { done } }`,
  removeUsers: `mutation ($input: RemoveUsersInput!) { removeUsers(input: $input) { done } }`,
  requestAccess: `mutation ($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`,
  approveAccessRequest: `mutation ($id: ID!) { approveAccessRequest(id: $id) { id } }`,
  denyAccessRequest: `mutation ($id: ID!) { denyAccessRequest(id: $id) { id } }`,
  withdrawAccessRequest: `mutation ($id: ID!) { withdrawAccessRequest(id: $id) { id } }`,
  startAccessReview: `mutation ($input: StartAccessReviewInput!) { startAccessReview(input: $input) { id } }`,
  decideAccessReviewItem: `mutation ($id: ID!, $d: AccessReviewDecision!) { decideAccessReviewItem(id: $id, decision: $d) { id } }`,
  completeAccessReview: `mutation ($id: ID!) { completeAccessReview(id: $id) { id } }`,
} satisfies Record<keyof typeof mutationActions, string>;

describeEachDatabase("each declared mutation, run through the gateway", (dialect) => {
  let gw: TestGateway;
  let decide: jest.SpyInstance<ReturnType<Access["decide"]>, Parameters<Access["decide"]>, Access>;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    decide = jest.spyOn(Access.prototype, "decide");
  });
  afterAll(async () => {
    decide?.mockRestore();
    await gw?.stop();
  });

  const ran = new Set<string>();

  /**
   * Runs the mutation for real and answers what it did: the tasks decided while it ran, by how many access layers
   * (the request's, which the shield asks, and the one of the action's transaction, which decides again under lock),
   * and the audit event it wrote.
   */
  async function run<T>(
    client: GraphQLClient,
    field: keyof typeof m,
    variables: Record<string, unknown>,
    /** A bulk mutation writes one event per item; its decisions are those of one call, whatever its items. */
    { events: count = 1 }: { events?: number } = {},
  ): Promise<T> {
    const [{ last }] = await gw.dataSource.query("SELECT COALESCE(MAX(id), 0) AS last FROM audit_event");
    decide.mockClear();
    const data = await client.request<T>(m[field], variables);
    const tasks = new Set<Task>(decide.mock.calls.map(([, task]) => task));
    const deciders = new Set(decide.mock.contexts);
    const events: { action: string; details: string }[] = await gw.dataSource.query(
      "SELECT action, details FROM audit_event WHERE id > ? AND action <> 'EXPIRE_RIGHT' ORDER BY id",
      [last],
    );
    const action = mutationActions[field];
    expect({
      field,
      tasks: [...tasks],
      deciders: deciders.size,
      decisions: decide.mock.calls.length,
      audited: events.map((e) => [e.action, JSON.parse(e.details).mutation]),
    }).toEqual({
      field,
      tasks: action.task ? [action.task] : [],
      deciders: action.task ? 2 : 0,
      decisions: action.task ? 2 : 0,
      audited: Array.from({ length: count }, () => [action.auditAction, field]),
    });
    ran.add(field);
    return data;
  }

  it("is decided by the shield and again under lock for the task it declares, and audited under that task and its own name", async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const e = await gw.seed.enterprise().build();
    const lr = await gw.client(e.legalRepresentative);
    const mainSsin = ssin();
    await run(lr, "appointMainAccessManager", { input: { enterprise: e.number, person: person(mainSsin) } });
    const main = await gw.client(mainSsin);
    await run(main, "activateEnterpriseAccount", { e: e.number });
    await run(main, "activateCapacity", { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
    const manager = await run<{ appointAccessManager: { id: string } }>(main, "appointAccessManager", {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin()) },
    });
    const user = await run<{ addUser: { id: string } }>(main, "addUser", {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
    });
    await run(main, "setUserOnlineServices", { input: { assignment: user.addUser.id, onlineServices: ["DMFA"] } });
    const review = await run<{ startAccessReview: { id: string } }>(main, "startAccessReview", {
      input: { enterprise: e.number, dueAt: new Date(Date.now() + 86_400_000).toISOString(), defaultDecision: "KEEP" },
    });
    const [item] = await gw.dataSource.query("SELECT id FROM access_review_item WHERE review_id = ? AND role = 'USER'", [
      Number(review.startAccessReview.id),
    ]);
    await run(main, "decideAccessReviewItem", { id: String(item.id), d: "KEEP" });
    // The access manager's item, left pending, gets the default: one event for it, one for the completion.
    await run(main, "completeAccessReview", { id: review.startAccessReview.id }, { events: 2 });
    await run(main, "removeUser", { a: user.addUser.id });
    await run(main, "revokeAccessManager", { a: manager.appointAccessManager.id });
    const bulk = { enterprise: e.number, capacity: "EMPLOYER_NSSO" };
    const added = await run<{ addUsers: { items: { assignment: { id: string } }[] } }>(
      main,
      "addUsers",
      { input: { ...bulk, users: [1, 2, 3].map(() => ({ person: person(ssin()), onlineServices: ["DIMONA"] })) } },
      { events: 3 },
    );
    const ids = added.addUsers.items.map((i) => i.assignment.id);
    await run(
      main,
      "setUsersOnlineServices",
      { input: { ...bulk, users: ids.map((id) => ({ assignment: id, onlineServices: [] })) } },
      { events: 3 },
    );
    await run(main, "removeUsers", { input: { ...bulk, assignments: ids } }, { events: 3 });
    await run(lr, "activateEBox", { input: { enterprise: e.number, notificationEmail: "ebox@example.be" } });
    const [message] = await gw.dataSource.query("SELECT id FROM ebox_message WHERE enterprise_id = ?", [e.id]);
    await run(main, "markEBoxMessageRead", { e: e.number, m: String(message.id) });
    await run(main, "configureStructuredMessaging", {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", channel: "SOAP", technicalContactEmail: "it@example.be" },
    });
    const mandate = await run<{ appointServiceProvider: { id: string } }>(lr, "appointServiceProvider", {
      input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
    });
    await run(lr, "endServiceProviderMandate", { id: mandate.appointServiceProvider.id });
    await run(main, "updateMyAccount", { input: { language: "FR" } });
    const asking = ssin();
    const requester = await gw.client(asking);
    const ask = async () =>
      (
        await run<{ requestAccess: { id: string } }>(requester, "requestAccess", {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"] },
        })
      ).requestAccess.id;
    await run(requester, "withdrawAccessRequest", { id: await ask() });
    await run(main, "denyAccessRequest", { id: await ask() });
    await run(main, "approveAccessRequest", { id: await ask() });
    await run(lr, "deleteEnterpriseAccess", { input: { enterprise: e.number, reason: "Closing down" } });
    expect([...ran].sort()).toEqual(mutationFields);
  });
});
