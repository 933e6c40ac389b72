import { GraphQLClient, gql } from "graphql-request";
import { roleTasks, roles } from "../src/access/role-tasks";
import { requestReader } from "../src/database/readers";
import { capacityCatalog, onlineServiceCatalog } from "../src/domain/catalog-data";
import { withBadCheckDigits } from "./support/check-digits";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { enterpriseNumber, ssin } from "./support/identities";
import { snapshot } from "./support/snapshot";
import type { SeededEnterprise } from "./support/seed";

const enterpriseQuery = gql`
  query ($e: EnterpriseNumber!) {
    enterprise(number: $e) {
      number
      name
    }
  }
`;

describeEachDatabase("the read side", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  const sees = async (viewer: string, number: string) =>
    (await (await gw.client(viewer)).request<{ enterprise: { number: string } | null }>(enterpriseQuery, { e: number })).enterprise
      ?.number ?? null;
  const myEnterprises = async (viewer: string) =>
    (
      await (
        await gw.client(viewer)
      ).request<{ myEnterprises: { number: string }[] }>(gql`
        {
          myEnterprises {
            number
          }
        }
      `)
    ).myEnterprises.map((e) => e.number);

  describe("visibility of an enterprise, on a need-to-know basis", () => {
    let provider: SeededEnterprise;
    let client: SeededEnterprise;
    beforeAll(async () => {
      provider = await gw.seed
        .enterprise({ name: "Payroll Provider" })
        .withMainAccessManager()
        .active()
        .withCapacity("SOCIAL_SERVICE_PROVIDER")
        .withAccessManager("SOCIAL_SERVICE_PROVIDER")
        .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"])
        .build();
      client = await gw.seed
        .enterprise({ name: "Client Bakery" })
        .withMainAccessManager()
        .active()
        .withAccessManager("EMPLOYER_NSSO")
        .withUser("EMPLOYER_NSSO", ["DMFA"])
        .withServiceProvider(provider, "EMPLOYER_NSSO")
        .build();
    });

    it("is hidden from a stranger, and an unknown number answers the same null", async () => {
      expect(await sees(ssin(), client.number)).toBeNull();
      expect(await sees(client.legalRepresentative, enterpriseNumber())).toBeNull();
      expect(await myEnterprises(ssin())).toEqual([]);
    });

    it("is visible to its legal representative, main access manager, access manager and user", async () => {
      for (const viewer of [
        client.legalRepresentative,
        client.mainAccessManager!,
        client.accessManagers.EMPLOYER_NSSO,
        client.users[0].ssin,
      ]) {
        expect(await sees(viewer, client.number)).toBe(client.display);
        expect(await myEnterprises(viewer)).toEqual([client.display]);
      }
    });

    it("shows the other party of a mandate by number and name, with the mandate itself but none of its people, partners or contact address", async () => {
      const partnerFields = `
        number name
        legalRepresentatives { ssin } mainAccessManager { ssin }
        roleAssignments { totalCount edges { node { person { ssin } } } }
        serviceProviders { provider { number } } clients { client { number } }
        structuredMessaging { channel } eBox { notificationEmail activatedBy { ssin } }
      `;
      const hidden = (e: SeededEnterprise, name: string, mandates: { serviceProviders?: unknown[]; clients?: unknown[] }) => ({
        number: e.display,
        name,
        legalRepresentatives: [],
        mainAccessManager: null,
        roleAssignments: { totalCount: 0, edges: [] },
        serviceProviders: [],
        clients: [],
        structuredMessaging: [],
        eBox: { notificationEmail: null, activatedBy: null },
        ...mandates,
      });
      const fromClient = await (
        await gw.client(client.legalRepresentative)
      ).request<{ enterprise: { serviceProviders: { provider: unknown }[] } }>(
        `query ($e: EnterpriseNumber!) { enterprise(number: $e) { serviceProviders { provider { ${partnerFields} } } } }`,
        { e: client.number },
      );
      expect(fromClient.enterprise.serviceProviders).toEqual([
        { provider: hidden(provider, "Payroll Provider", { clients: [{ client: { number: client.display } }] }) },
      ]);
      const fromProvider = await (
        await gw.client(provider.legalRepresentative)
      ).request<{ enterprise: { clients: { client: unknown }[] } }>(
        `query ($e: EnterpriseNumber!) { enterprise(number: $e) { clients { client { ${partnerFields} } } } }`,
        { e: provider.number },
      );
      expect(fromProvider.enterprise.clients).toEqual([
        { client: hidden(client, "Client Bakery", { serviceProviders: [{ provider: { number: provider.display } }] }) },
      ]);

      // The provider's staff act for the client, and still see none of its people.
      const fromStaff = await (
        await gw.client(provider.accessManagers.SOCIAL_SERVICE_PROVIDER)
      ).request<{
        enterprise: { clients: { client: { legalRepresentatives: { ssin: string }[]; roleAssignments: { totalCount: number } } }[] };
      }>(
        `query ($e: EnterpriseNumber!) { enterprise(number: $e) { clients { client { legalRepresentatives { ssin } roleAssignments { totalCount } } } } }`,
        { e: provider.number },
      );
      expect(fromStaff.enterprise.clients).toEqual([{ client: { legalRepresentatives: [], roleAssignments: { totalCount: 0 } } }]);
    });

    it("is visible to the provider's staff while the mandate is active, and no longer once it ends", async () => {
      const staff = [provider.accessManagers.SOCIAL_SERVICE_PROVIDER, provider.users[0].ssin];
      for (const viewer of staff) {
        expect(await sees(viewer, client.number)).toBe(client.display);
        expect(await myEnterprises(viewer)).toEqual([provider.display, client.display].sort());
      }
      // The provider's legal representative holds no role in a provider capacity: not staff acting for clients.
      expect(await sees(provider.legalRepresentative, client.number)).toBeNull();
      // The client sees its provider only as a mandate, not as an enterprise it has a role in.
      expect(await sees(client.legalRepresentative, provider.number)).toBeNull();

      const lr = await gw.client(client.legalRepresentative);
      const { enterprise } = await lr.request<{ enterprise: { serviceProviders: { id: string; status: string }[] } }>(
        gql`
          query ($e: EnterpriseNumber!) {
            enterprise(number: $e) {
              serviceProviders {
                id
                status
              }
            }
          }
        `,
        { e: client.number },
      );
      const [mandate] = enterprise.serviceProviders.filter((m) => m.status === "ACTIVE");
      await lr.request(
        gql`
          mutation ($m: ID!) {
            endServiceProviderMandate(mandate: $m) {
              status
            }
          }
        `,
        { m: mandate.id },
      );
      for (const viewer of staff) {
        expect(await sees(viewer, client.number)).toBeNull();
        expect(await myEnterprises(viewer)).toEqual([provider.display]);
      }
    });

    it("shows another person's roles only in the enterprises the viewer can see", async () => {
      const both = ssin();
      const first = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"], both).build();
      const second = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DMFA"], both).build();
      const rolesSeenBy = async (viewer: string) => {
        const response = await (
          await gw.client(viewer)
        ).request<{
          enterprise: {
            roleAssignments: { edges: { node: { person: { ssin: string; roles: { role: string; enterprise: { number: string } }[] } } }[] };
          };
        }>(
          gql`
            query ($e: EnterpriseNumber!) {
              enterprise(number: $e) {
                roleAssignments(role: USER) {
                  edges {
                    node {
                      person {
                        ssin
                        roles {
                          role
                          enterprise {
                            number
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          `,
          { e: first.number },
        );
        return response.enterprise.roleAssignments.edges.map((e) => e.node.person);
      };
      expect(await rolesSeenBy(first.legalRepresentative)).toEqual([
        { ssin: both, roles: [{ role: "USER", enterprise: { number: first.display } }] },
      ]);
      const own = await (
        await gw.client(both)
      ).request<{ me: { roles: { role: string; enterprise: { number: string } }[] } }>(gql`
        {
          me {
            roles {
              role
              enterprise {
                number
              }
            }
          }
        }
      `);
      expect(own.me.roles).toEqual([
        { role: "USER", enterprise: { number: first.display } },
        { role: "USER", enterprise: { number: second.display } },
      ]);
    });
  });

  describe("the identifier scalars", () => {
    let enterprise: SeededEnterprise;
    beforeAll(async () => {
      enterprise = await gw.seed.enterprise().build();
    });

    it("accept an enterprise number with dots, without separators, or with a BE prefix and spaces, and return it with dots", async () => {
      const n = enterprise.number;
      for (const written of [enterprise.display, n, `BE ${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`, `be${n}`]) {
        expect(await sees(enterprise.legalRepresentative, written)).toBe(`${n.slice(0, 4)}.${n.slice(4, 7)}.${n.slice(7)}`);
      }
    });

    it("refuse an enterprise number with wrong check digits or length as BAD_USER_INPUT naming the argument and the variable", async () => {
      const lr = await gw.client(enterprise.legalRepresentative);
      await expectError(lr.request(enterpriseQuery, { e: withBadCheckDigits(enterprise.number) }), {
        code: "BAD_USER_INPUT",
        field: "number",
        variable: "e",
      });
      await expectError(lr.request(enterpriseQuery, { e: enterprise.number.slice(1) }), {
        code: "BAD_USER_INPUT",
        field: "number",
        variable: "e",
      });
      await expectError(lr.request(enterpriseQuery, { e: 123456749 }), { code: "BAD_USER_INPUT", field: "number", variable: "e" });
      await expectError(
        lr.request(
          gql`
            query ($e: EnterpriseNumber!, $t: Task!) {
              can(enterprise: $e, task: $t) {
                allowed
              }
            }
          `,
          { e: withBadCheckDigits(enterprise.number), t: "ACTIVATE_EBOX" },
        ),
        {
          code: "BAD_USER_INPUT",
          field: "enterprise",
          variable: "e",
        },
      );
    });

    it("refuse an enterprise number with wrong check digits written in the query itself, before anything runs", async () => {
      const lr = await gw.client(enterprise.legalRepresentative);
      // A literal is part of the document: Apollo reports it as a validation failure of the whole document.
      const error = await expectError(lr.request(`{ enterprise(number: "${withBadCheckDigits(enterprise.number)}") { name } }`), {
        code: "GRAPHQL_VALIDATION_FAILED",
        field: "number",
      });
      // In the viewer's language (NL, as every person until they choose), with the English text beside it.
      expect(error).toMatchObject({
        message: "De controlecijfers van het ondernemingsnummer kloppen niet",
        extensions: {
          messageKey: "check.enterpriseNumber.checkDigits",
          englishMessage: "The check digits of the enterprise number do not match",
        },
      });
    });

    it("accept an SSIN with dots and a dash and by the born-2000 rule, return it as 11 digits, and refuse wrong check digits naming the input field", async () => {
      const lr = await gw.client(enterprise.legalRepresentative);
      const appoint = gql`
        mutation ($input: AppointMainAccessManagerInput!) {
          appointMainAccessManager(input: $input) {
            person {
              ssin
            }
          }
        }
      `;
      const historic = ssin();
      const dotted = `${historic.slice(0, 2)}.${historic.slice(2, 4)}.${historic.slice(4, 6)}-${historic.slice(6, 9)}.${historic.slice(9)}`;
      await expect(
        lr.request(appoint, { input: { enterprise: enterprise.number, person: { ssin: dotted, givenName: "Dot", familyName: "Ted" } } }),
      ).resolves.toEqual({
        appointMainAccessManager: { person: { ssin: historic } },
      });
      const born2000 = ssin({ born2000: true });
      await expect(
        lr.request(appoint, {
          input: { enterprise: enterprise.number, person: { ssin: born2000, givenName: "Young", familyName: "Person" } },
        }),
      ).resolves.toEqual({
        appointMainAccessManager: { person: { ssin: born2000 } },
      });

      const before = await snapshot(gw.dataSource);
      for (const bad of [withBadCheckDigits(ssin()), withBadCheckDigits(ssin({ born2000: true })), "1234567890", "abcdefghijk"]) {
        await expectError(
          lr.request(appoint, { input: { enterprise: enterprise.number, person: { ssin: bad, givenName: "Bad", familyName: "Ssin" } } }),
          {
            code: "BAD_USER_INPUT",
            field: "input.person.ssin",
          },
        );
      }
      expect(await snapshot(gw.dataSource)).toEqual(before);
    });
  });

  describe("the role-task table and the catalog", () => {
    it("answers roleTasks with the table of src/access/role-tasks.ts, role by role as the policy reads", async () => {
      const viewer = await gw.client(ssin());
      const { roleTasks: answered } = await viewer.request<{ roleTasks: { role: string; tasks: string[] }[] }>(gql`
        {
          roleTasks {
            role
            tasks
          }
        }
      `);
      expect(answered).toEqual(roles.map((role) => ({ role, tasks: [...roleTasks[role]] })));
      expect(answered).toEqual([
        {
          role: "LEGAL_REPRESENTATIVE",
          tasks: ["APPOINT_MAIN_ACCESS_MANAGER", "APPOINT_SERVICE_PROVIDER", "ACTIVATE_EBOX", "DELETE_ENTERPRISE_ACCESS"],
        },
        {
          role: "MAIN_ACCESS_MANAGER",
          tasks: ["ACTIVATE_ENTERPRISE_ACCOUNT", "ACTIVATE_CAPACITY", "MANAGE_USERS", "APPOINT_ACCESS_MANAGER"],
        },
        { role: "ACCESS_MANAGER", tasks: ["MANAGE_USERS", "USE_ONLINE_SERVICES", "USE_EBOX", "CONFIGURE_STRUCTURED_MESSAGES"] },
        { role: "USER", tasks: ["USE_ONLINE_SERVICES", "USE_EBOX"] },
      ]);
    });

    const catalogQuery = gql`
      query ($l: Language) {
        capacities {
          code
          name(language: $l)
          onlineServices {
            code
            name(language: $l)
          }
        }
        onlineServices {
          code
          name(language: $l)
          capacities {
            code
          }
        }
      }
    `;
    type CatalogAnswer = {
      capacities: { code: string; name: string; onlineServices: { code: string; name: string }[] }[];
      onlineServices: { code: string; name: string; capacities: { code: string }[] }[];
    };
    const expectedCatalog = (language: "NL" | "FR" | "DE" | "EN"): CatalogAnswer => ({
      // A capacity lists its online services in the catalog's one order of services, as every list of services does.
      capacities: capacityCatalog.map((c) => ({
        code: c.code,
        name: c.names[language],
        onlineServices: onlineServiceCatalog
          .filter((s) => c.onlineServices.includes(s.code))
          .map((s) => ({ code: s.code, name: s.names[language] })),
      })),
      onlineServices: onlineServiceCatalog.map((s) => ({
        code: s.code,
        name: s.names[language],
        capacities: capacityCatalog.filter((c) => c.onlineServices.includes(s.code)).map((c) => ({ code: c.code })),
      })),
    });

    it.each(["NL", "FR", "DE", "EN"] as const)(
      "names capacities and online services in %s when the language argument asks",
      async (language) => {
        const viewer = await gw.client(ssin());
        await expect(viewer.request(catalogQuery, { l: language })).resolves.toEqual(expectedCatalog(language));
      },
    );

    it.each([
      ["fr-BE,fr;q=0.9,en;q=0.8", "FR"],
      ["de-DE", "DE"],
      ["en-US,en;q=0.9", "EN"],
      ["es-ES,en;q=0.5,nl;q=0.4", "EN"],
      ["nl-BE", "NL"],
      ["fr;q=0.2,de;q=0.7", "DE"],
    ] as const)("follows the Accept-Language header %s (%s) when no argument is given", async (header, language) => {
      const viewer = await gw.client(ssin(), { "accept-language": header });
      await expect(viewer.request(catalogQuery)).resolves.toEqual(expectedCatalog(language));
    });

    it("prefers the language argument to the Accept-Language header, and uses the viewer's language without either", async () => {
      await expect((await gw.client(ssin(), { "accept-language": "fr-BE" })).request(catalogQuery, { l: "DE" })).resolves.toEqual(
        expectedCatalog("DE"),
      );
      await expect((await gw.client(ssin())).request(catalogQuery)).resolves.toEqual(expectedCatalog("NL"));
      const english = await gw.client(ssin());
      await english.request(gql`
        mutation {
          updateMyAccount(input: { language: EN }) {
            language
          }
        }
      `);
      await expect(english.request(catalogQuery)).resolves.toEqual(expectedCatalog("EN"));
    });
  });

  describe("pages of role assignments", () => {
    let enterprise: SeededEnterprise;
    let lr: GraphQLClient;
    let ids: string[];
    beforeAll(async () => {
      let builder = gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO");
      for (let i = 0; i < 7; i++) builder = builder.withUser("EMPLOYER_NSSO", ["DIMONA"]);
      enterprise = await builder.build();
      lr = await gw.client(enterprise.legalRepresentative);
      const rows: { id: number | string }[] = await gw.dataSource.query(
        "SELECT id FROM role_assignment WHERE enterprise_id = ? AND ended_at IS NULL ORDER BY id",
        [enterprise.id],
      );
      ids = rows.map((r) => String(r.id));
    });

    type Page = {
      roleAssignments: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { cursor: string; node: { id: string } }[];
      };
    };
    const pageQuery = gql`
      query ($e: EnterpriseNumber!, $first: Int, $after: String, $role: Role) {
        enterprise(number: $e) {
          roleAssignments(first: $first, after: $after, role: $role) {
            totalCount
            pageInfo {
              hasNextPage
              endCursor
            }
            edges {
              cursor
              node {
                id
              }
            }
          }
        }
      }
    `;
    const page = async (variables: { first?: number; after?: string | null; role?: string }) =>
      (await lr.request<{ enterprise: Page }>(pageQuery, { e: enterprise.number, ...variables })).enterprise.roleAssignments;

    it("walks every current assignment once with first/after cursors, and reports the total on every page", async () => {
      expect(ids.length).toBeGreaterThanOrEqual(10);
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const current = await page({ first: 3, after });
        pages++;
        expect(current.totalCount).toBe(ids.length);
        expect(current.edges.length).toBeLessThanOrEqual(3);
        seen.push(...current.edges.map((e) => e.node.id));
        if (current.edges.length > 0) expect(current.pageInfo.endCursor).toBe(current.edges.at(-1)!.cursor);
        if (!current.pageInfo.hasNextPage) break;
        after = current.pageInfo.endCursor;
      }
      expect(seen).toEqual(ids);
      expect(pages).toBe(Math.ceil(ids.length / 3));
    });

    it("pages a filtered list by its own total", async () => {
      const first = await page({ first: 4, role: "USER" });
      expect(first.totalCount).toBe(7);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const rest = await page({ first: 4, role: "USER", after: first.pageInfo.endCursor });
      expect(rest.edges).toHaveLength(3);
      expect(rest.pageInfo.hasNextPage).toBe(false);
      expect(new Set([...first.edges, ...rest.edges].map((e) => e.node.id)).size).toBe(7);
    });

    it("answers first: 0 with the total and no rows", async () => {
      await expect(page({ first: 0 })).resolves.toEqual({
        totalCount: ids.length,
        pageInfo: { hasNextPage: true, endCursor: null },
        edges: [],
      });
    });

    it("refuses a page larger than 100, a negative one, and a cursor it did not hand out, as BAD_USER_INPUT", async () => {
      await expectError(page({ first: 101 }), { code: "BAD_USER_INPUT", field: "first" });
      await expectError(page({ first: -1 }), { code: "BAD_USER_INPUT", field: "first" });
      for (const after of ["garbage", "", Buffer.from("v1:abc").toString("base64url"), Buffer.from("v2:12").toString("base64url")]) {
        await expectError(page({ first: 10, after }), { code: "BAD_USER_INPUT", field: "after" });
      }
    });
  });

  describe("statements per request (no N+1)", () => {
    const wideQuery = gql`
      {
        myEnterprises {
          number
          name
          myTasks
          legalRepresentatives {
            givenName
          }
          mainAccessManager {
            ssin
          }
          capacities {
            capacity {
              code
            }
            status
          }
          roleAssignments(first: 20) {
            totalCount
            edges {
              node {
                role
                person {
                  ssin
                }
                capacity {
                  code
                }
                onlineServices {
                  code
                }
                grantedBy {
                  ssin
                }
              }
            }
          }
        }
      }
    `;
    type Wide = { myEnterprises: { number: string; roleAssignments: { totalCount: number; edges: unknown[] } }[] };

    /** Runs the query and counts the SQL statements the gateway sends for it (on SQLite, through either connection). */
    const statementsFor = async (client: GraphQLClient): Promise<{ statements: number; response: Wide }> => {
      const logQueries = [...new Set([gw.dataSource, requestReader(gw.dataSource)].map((d) => d.logger))].map((logger) =>
        jest.spyOn(logger, "logQuery"),
      );
      try {
        const response = await client.request<Wide>(wideQuery);
        return { statements: logQueries.reduce((sum, logQuery) => sum + logQuery.mock.calls.length, 0), response };
      } finally {
        for (const logQuery of logQueries) logQuery.mockRestore();
      }
    };

    const enterpriseWithUsers = (viewer: string, users: number) => {
      let builder = gw.seed.enterprise({ legalRepresentative: viewer }).withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO");
      for (let i = 0; i < users; i++) builder = builder.withUser("EMPLOYER_NSSO", i % 2 ? ["DIMONA", "DMFA"] : ["DRS"]);
      return builder.build();
    };

    it("stays the same when the viewer's enterprises and their assignments multiply", async () => {
      const viewer = ssin();
      for (let i = 0; i < 2; i++) await enterpriseWithUsers(viewer, 2);
      const client = await gw.client(viewer);
      const small = await statementsFor(client);
      expect(small.response.myEnterprises).toHaveLength(2);

      for (let i = 0; i < 4; i++) await enterpriseWithUsers(viewer, 6);
      const large = await statementsFor(client);
      expect(large.response.myEnterprises).toHaveLength(6);
      const rows = large.response.myEnterprises.reduce((sum, e) => sum + e.roleAssignments.edges.length, 0);
      expect(rows).toBeGreaterThan(3 * small.response.myEnterprises.reduce((sum, e) => sum + e.roleAssignments.edges.length, 0));

      expect(small.statements).toBeGreaterThan(0);
      expect(large.statements).toBe(small.statements);
    });
  });

  describe("health", () => {
    it("answers /healthz and /readyz with 200 while the database is reachable", async () => {
      const base = gw.url.replace(/\/graphql$/, "");
      const healthz = await fetch(`${base}/healthz`);
      expect(healthz.status).toBe(200);
      const readyz = await fetch(`${base}/readyz`);
      expect(readyz.status).toBe(200);
      await expect(readyz.json()).resolves.toEqual({ status: "ready" });
    });

    it("answers /readyz with 503 while the database is unreachable, and /healthz still with 200", async () => {
      const other = await startTestGateway(dialect);
      const base = other.url.replace(/\/graphql$/, "");
      await other.dataSource.destroy();
      try {
        expect((await fetch(`${base}/readyz`)).status).toBe(503);
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
      } finally {
        await other.dataSource.initialize();
        await other.stop();
      }
    });
  });
});
