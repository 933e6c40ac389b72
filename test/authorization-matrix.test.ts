import { gql, type GraphQLClient } from "graphql-request";
import { IsNull } from "typeorm";
import { roleTasks, roles, tasks, taskScope, type Role, type Task } from "../src/access/role-tasks";
import { RoleAssignment } from "../src/domain/entities";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

const capacity = "EMPLOYER_NSSO";

/** One representative operation per task, as a client would send it; `allowed` means the shield let it through. */
const operations: Record<
  Task,
  (
    e: SeededEnterprise,
    fixtures: { provider: SeededEnterprise; messageId: string },
  ) => { document: string; variables: Record<string, unknown> }
> = {
  APPOINT_MAIN_ACCESS_MANAGER: (e) => ({
    document: gql`
      mutation ($input: AppointMainAccessManagerInput!) {
        appointMainAccessManager(input: $input) {
          id
        }
      }
    `,
    variables: { input: { enterprise: e.number, person: { ssin: ssin(), givenName: "New", familyName: "Main" } } },
  }),
  APPOINT_SERVICE_PROVIDER: (e, { provider }) => ({
    document: gql`
      mutation ($input: AppointServiceProviderInput!) {
        appointServiceProvider(input: $input) {
          id
        }
      }
    `,
    variables: { input: { enterprise: e.number, provider: provider.number, capacity } },
  }),
  ACTIVATE_EBOX: (e) => ({
    document: gql`
      mutation ($input: ActivateEBoxInput!) {
        activateEBox(input: $input) {
          status
        }
      }
    `,
    variables: { input: { enterprise: e.number, notificationEmail: "box@example.be" } },
  }),
  DELETE_ENTERPRISE_ACCESS: (e) => ({
    document: gql`
      mutation ($input: DeleteEnterpriseAccessInput!) {
        deleteEnterpriseAccess(input: $input) {
          status
        }
      }
    `,
    variables: { input: { enterprise: e.number, reason: "Matrix test" } },
  }),
  ACTIVATE_ENTERPRISE_ACCOUNT: (e) => ({
    document: gql`
      mutation ($e: EnterpriseNumber!) {
        activateEnterpriseAccount(enterprise: $e) {
          status
        }
      }
    `,
    variables: { e: e.number },
  }),
  ACTIVATE_CAPACITY: (e) => ({
    document: gql`
      mutation ($e: EnterpriseNumber!) {
        activateCapacity(enterprise: $e, capacity: "ENTERPRISE_WITHOUT_STAFF") {
          status
        }
      }
    `,
    variables: { e: e.number },
  }),
  MANAGE_USERS: (e) => ({
    document: gql`
      mutation ($input: AddUserInput!) {
        addUser(input: $input) {
          id
        }
      }
    `,
    variables: {
      input: { enterprise: e.number, capacity, onlineServices: ["DIMONA"], person: { ssin: ssin(), givenName: "New", familyName: "User" } },
    },
  }),
  APPOINT_ACCESS_MANAGER: (e) => ({
    document: gql`
      mutation ($input: AppointAccessManagerInput!) {
        appointAccessManager(input: $input) {
          id
        }
      }
    `,
    variables: { input: { enterprise: e.number, capacity, person: { ssin: ssin(), givenName: "New", familyName: "Manager" } } },
  }),
  USE_ONLINE_SERVICES: (e) => ({
    // No mutation needs this task: the decision query for a downstream online service is its operation.
    document: gql`
      query ($e: EnterpriseNumber!) {
        canUseOnlineService(enterprise: $e, onlineService: "DIMONA") {
          allowed
          reason
        }
      }
    `,
    variables: { e: e.number },
  }),
  USE_EBOX: (e, { messageId }) => ({
    document: gql`
      mutation ($e: EnterpriseNumber!, $m: ID!) {
        markEBoxMessageRead(enterprise: $e, message: $m) {
          id
        }
      }
    `,
    variables: { e: e.number, m: messageId },
  }),
  CONFIGURE_STRUCTURED_MESSAGES: (e) => ({
    document: gql`
      mutation ($input: ConfigureStructuredMessagingInput!) {
        configureStructuredMessaging(input: $input) {
          senderNumber
        }
      }
    `,
    variables: { input: { enterprise: e.number, capacity, channel: "SOAP", technicalContactEmail: "it@example.be" } },
  }),
};

type Outcome = { forbidden: false } | { forbidden: true; reason: string };

async function attempt(client: GraphQLClient, operation: { document: string; variables: Record<string, unknown> }): Promise<Outcome> {
  const response = await client
    .rawRequest<Record<string, { allowed?: boolean; reason?: string }>>(operation.document, operation.variables)
    .catch((error: { response?: { errors?: { extensions: { code: string; reason?: string } }[] } }) => {
      const first = error.response?.errors?.[0];
      if (!first) throw error;
      return { data: null, errors: [first] };
    });
  const error = (response.errors as { extensions: { code: string; reason?: string } }[] | undefined)?.[0];
  if (error?.extensions.code === "FORBIDDEN") return { forbidden: true, reason: error.extensions.reason! };
  if (error && error.extensions.code !== "CONFLICT") throw new Error(`unexpected ${error.extensions.code}`);
  const decision = response.data && Object.values(response.data)[0];
  if (decision && decision.allowed === false) return { forbidden: true, reason: decision.reason! };
  return { forbidden: false };
}

/**
 * The permission matrix, generated from the role-task table (not copied from it): for every role and every task,
 * a person holding only that role, in an active enterprise with an active e-Box, is allowed exactly the tasks of
 * the table, by `can`, by `myTasks` and by the shield on the real operation.
 */
describeEachDatabase("the permission matrix", (dialect) => {
  let gw: TestGateway;
  let provider: SeededEnterprise;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
  });
  afterAll(() => gw?.stop());

  /** An active enterprise where `subject` holds `role` and nothing else. */
  async function enterpriseWhere(role: Role, subject: string): Promise<SeededEnterprise> {
    const builder = gw.seed.enterprise(role === "LEGAL_REPRESENTATIVE" ? { legalRepresentative: subject } : {});
    builder
      .withMainAccessManager(role === "MAIN_ACCESS_MANAGER" ? subject : undefined)
      .active()
      .withEBox();
    if (role === "ACCESS_MANAGER") builder.withAccessManager(capacity, subject);
    if (role === "USER") builder.withUser(capacity, ["DIMONA"], subject);
    const enterprise = await builder.build();
    if (role === "MAIN_ACCESS_MANAGER") {
      // The main access manager is also access manager of each capacity; the matrix looks at the role alone.
      const person = await gw.seed.person(subject);
      await gw.dataSource
        .getRepository(RoleAssignment)
        .update(
          { enterpriseId: enterprise.id, personId: person.id, role: "ACCESS_MANAGER", endedAt: IsNull() },
          { endedAt: new Date(), activeKey: null },
        );
    }
    return enterprise;
  }

  async function welcomeMessageId(enterprise: SeededEnterprise): Promise<string> {
    const [row] = await gw.dataSource.query(`SELECT id FROM ebox_message WHERE enterprise_id = ${enterprise.id}`);
    return String(row.id);
  }

  describe.each(roles.map((role) => [role]))("a person holding only %s", (role) => {
    it("gets exactly the tasks of the table from myTasks and from can", async () => {
      const subject = ssin();
      const enterprise = await enterpriseWhere(role, subject);
      const client = await gw.client(subject);
      const { enterprise: seen } = await client.request<{ enterprise: { myTasks: string[] } }>(
        gql`
          query ($e: EnterpriseNumber!) {
            enterprise(number: $e) {
              myTasks
            }
          }
        `,
        {
          e: enterprise.number,
        },
      );
      expect(seen.myTasks).toEqual(tasks.filter((t) => (roleTasks[role] as readonly Task[]).includes(t)));
      for (const task of tasks) {
        const { can } = await client.request<{ can: { allowed: boolean; reason: string; via: { role: string }[] } }>(
          gql`
            query ($e: EnterpriseNumber!, $t: Task!, $c: String) {
              can(enterprise: $e, task: $t, capacity: $c) {
                allowed
                reason
                via {
                  role
                }
              }
            }
          `,
          { e: enterprise.number, t: task, c: taskScope[task] === "capacity" ? capacity : null },
        );
        const expected = (roleTasks[role] as readonly Task[]).includes(task);
        expect({ task, allowed: can.allowed }).toEqual({ task, allowed: expected });
        expect(can.reason).toBe(expected ? "GRANTED_BY_ROLE" : "ROLE_LACKS_TASK");
        expect(can.via.map((v) => v.role)).toEqual(expected ? [role] : []);
      }
    });

    it.each(tasks.map((task) => [task]))("is let through the shield for %s exactly when the table says so", async (task) => {
      const subject = ssin();
      const enterprise = await enterpriseWhere(role, subject);
      const outcome = await attempt(
        await gw.client(subject),
        operations[task](enterprise, { provider, messageId: await welcomeMessageId(enterprise) }),
      );
      const expected = (roleTasks[role] as readonly Task[]).includes(task);
      expect(outcome).toEqual(expected ? { forbidden: false } : { forbidden: true, reason: "ROLE_LACKS_TASK" });
    });
  });

  it("refuses every task to a person with no role in the enterprise", async () => {
    const enterprise = await enterpriseWhere("USER", ssin());
    const stranger = await gw.client(ssin());
    for (const task of tasks) {
      const outcome = await attempt(stranger, operations[task](enterprise, { provider, messageId: await welcomeMessageId(enterprise) }));
      expect({ task, outcome }).toEqual({ task, outcome: { forbidden: true, reason: "NO_ROLE_IN_ENTERPRISE" } });
    }
  });
});
