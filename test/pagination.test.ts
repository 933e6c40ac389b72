import { gql } from "graphql-request";
import { EBoxMessage } from "../src/domain/entities";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";

const assignmentsPage = gql`
  query ($e: EnterpriseNumber!, $after: String) {
    enterprise(number: $e) {
      roleAssignments(first: 2, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
          }
        }
      }
    }
  }
`;
const messagesPage = gql`
  query ($e: EnterpriseNumber!, $after: String) {
    enterprise(number: $e) {
      eBox {
        messages(first: 2, after: $after) {
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              id
              subject
            }
          }
        }
      }
    }
  }
`;
type Page<Node = { id: string }> = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Node }[] };

/** Keyset cursors: rows added while a client pages through a list neither repeat nor hide the others. */
describeEachDatabase("pagination", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  it("keeps role-assignment pages stable when users are added between pages", async () => {
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withUser("EMPLOYER_NSSO", ["DMFA"])
      .build();
    const main = await gw.client(e.mainAccessManager!);
    const before = (
      await main.request<{ enterprise: { roleAssignments: Page & { totalCount: number } } }>(
        gql`
          query ($e: EnterpriseNumber!) {
            enterprise(number: $e) {
              roleAssignments(first: 100) {
                totalCount
                pageInfo {
                  hasNextPage
                  endCursor
                }
                edges {
                  node {
                    id
                  }
                }
              }
            }
          }
        `,
        { e: e.number },
      )
    ).enterprise.roleAssignments;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const { enterprise }: { enterprise: { roleAssignments: Page } } = await main.request(assignmentsPage, { e: e.number, after });
      seen.push(...enterprise.roleAssignments.edges.map((x) => x.node.id));
      if (page === 0) {
        await main.request(
          gql`
            mutation ($input: AddUserInput!) {
              addUser(input: $input) {
                id
              }
            }
          `,
          {
            input: {
              enterprise: e.number,
              capacity: "EMPLOYER_NSSO",
              onlineServices: [],
              person: { ssin: ssin(), givenName: "Late", familyName: "Comer" },
            },
          },
        );
      }
      if (!enterprise.roleAssignments.pageInfo.hasNextPage) break;
      after = enterprise.roleAssignments.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, before.totalCount)).toEqual(before.edges.map((x) => x.node.id));
    expect(seen).toHaveLength(before.totalCount + 1);
  });

  it("keeps e-Box pages, newest first, stable when messages arrive between pages", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withEBox().build();
    const deliver = (subject: string) =>
      gw.dataSource.getRepository(EBoxMessage).insert({ enterpriseId: e.id, subject, body: "Body", sentAt: new Date(), readAt: null });
    for (const subject of ["one", "two", "three", "four"]) await deliver(subject);
    const reader = await gw.client(e.mainAccessManager!);
    const subjects: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { enterprise }: { enterprise: { eBox: { messages: Page<{ id: string; subject: string }> } } } = await reader.request(
        messagesPage,
        { e: e.number, after },
      );
      subjects.push(...enterprise.eBox.messages.edges.map((x) => x.node.subject));
      if (page === 0) await deliver("arrived while paging");
      if (!enterprise.eBox.messages.pageInfo.hasNextPage) break;
      after = enterprise.eBox.messages.pageInfo.endCursor;
    }
    expect(subjects).toEqual(["four", "three", "two", "one", "Welcome to your e-Box"]);
  });
});
