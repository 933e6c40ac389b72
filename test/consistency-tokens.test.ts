import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, leaksIn } from "./support/http";
import { ssin } from "./support/identities";
import { accessChanged, listening } from "./support/live";
import type { SeededEnterprise } from "./support/seed";
import { snapshot } from "./support/snapshot";

const addUser = `mutation ($input: AddUserInput!, $dryRun: Boolean) { addUser(input: $input, dryRun: $dryRun) { id } }`;
const users = `query ($e: EnterpriseNumber!) { enterprise(number: $e) { roleAssignments(role: USER) { totalCount } } }`;

/** Tokens this gateway never gives: each must be refused before anything reads or writes. */
const malformed = [
  "",
  "gtid:",
  "gtid:0-1",
  "gtid:0-1-1,",
  "gtid:0-1-1,0-2-2",
  "gtid:01-1-1",
  "gtid:0-1-18446744073709551616",
  "gtid:4294967296-1-1",
  "gtid:0-1-1' OR '1'='1",
  "gtid:0-1-1); DROP TABLE person; --",
  "GTID:0-1-1",
  "Latest",
  `gtid:${Array.from({ length: 40 }, (_, i) => `${i}-1-1`).join(",")}`,
  `gtid:0-1-${"1".repeat(2000)}`,
];

/** Consistency tokens over HTTP and the WebSocket, on each database (docs/clients.md, "Reading your own writes"). */
describeEachDatabase("consistency tokens", (dialect) => {
  let gw: TestGateway;
  let e: SeededEnterprise;
  let token: string;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    e = await gw.seed.enterprise().withMainAccessManager().active().build();
    token = await gw.token(e.mainAccessManager!);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const newUser = (dryRun = false) => ({
    token,
    variables: {
      dryRun,
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: { ssin: ssin(), givenName: "Token", familyName: "Holder" },
      },
    },
  });

  it("gives a mutation that committed the state it committed, in extensions.consistencyToken and the Consistency-Token header", async () => {
    const answer = await graphql(gw.url, addUser, newUser());
    expect(answer.json?.errors).toBeUndefined();
    const sent = answer.headers.get("consistency-token");
    expect(answer.json?.extensions).toEqual({ consistencyToken: sent });
    // SQLite, and a MariaDB without a binary log (the test server), name no position: every read already sees the write.
    expect(sent).toMatch(/^(latest|gtid:\d+-\d+-\d+(,\d+-\d+-\d+)*)$/);
  });

  it("gives none where nothing committed: a query, a refused mutation, a dry run", async () => {
    const query = await graphql(gw.url, users, { token, variables: { e: e.number } });
    const refused = await graphql(gw.url, addUser, { ...newUser(), token: await gw.token(ssin()) });
    const dryRun = await graphql(gw.url, addUser, newUser(true));
    expect(refused.json?.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(dryRun.json?.extensions).toMatchObject({ dryRun: { rolledBack: true } });
    for (const answer of [query, refused, dryRun]) {
      expect(answer.headers.get("consistency-token")).toBeNull();
      expect(answer.json?.extensions?.consistencyToken).toBeUndefined();
    }
  });

  it("answers a request that sends the token back from a state that has the write", async () => {
    const before = await graphql(gw.url, users, { token, variables: { e: e.number } });
    const count = (before.json?.data?.enterprise as { roleAssignments: { totalCount: number } }).roleAssignments.totalCount;
    const written = await graphql(gw.url, addUser, newUser());
    const sent = written.headers.get("consistency-token")!;
    const read = await graphql(gw.url, users, { token, variables: { e: e.number }, headers: { "consistency-token": sent } });
    expect({ status: read.status, json: read.json }).toEqual({
      status: 200,
      json: { data: { enterprise: { roleAssignments: { totalCount: count + 1 } } } },
    });
    // A position the database has not reached (another primary's, or from before a restore): read where it is freshest.
    const ahead = await graphql(gw.url, users, { token, variables: { e: e.number }, headers: { "consistency-token": "gtid:0-1-999999" } });
    expect(ahead.json).toEqual(read.json);
  });

  it.each(malformed)(
    "refuses the token %j with BAD_USER_INPUT naming the header, in the caller's language, and runs nothing",
    async (bad) => {
      const before = await snapshot(gw.dataSource);
      const answer = await graphql(gw.url, addUser, { ...newUser(), headers: { "consistency-token": bad, "accept-language": "fr" } });
      expect(answer.status).toBe(400);
      expect(answer.json?.data).toBeUndefined();
      expect(answer.json?.errors).toEqual([
        expect.objectContaining({
          message: "Ce jeton de cohérence ne vient pas de la passerelle : renvoyez tel quel le jeton d'une réponse, ou aucun",
          extensions: expect.objectContaining({ code: "BAD_USER_INPUT", field: "Consistency-Token", messageKey: "input.consistencyToken" }),
        }),
      ]);
      expect(leaksIn(answer.text, bad)).toEqual([]);
      expect(await snapshot(gw.dataSource)).toEqual(before);
    },
  );

  it("takes a subscription's token from its extensions, else from the connection params, and refuses a malformed one", async () => {
    const outcome = async (connectionParams: Record<string, unknown>, extensions?: Record<string, unknown>) => {
      // The previous case's subscription, disposed, may still be listening for a moment.
      await listening(gw, 0);
      return new Promise<string>((resolve) => {
        const client = createClient({
          url: gw.url.replace(/^http/, "ws"),
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { authorization: `Bearer ${token}`, ...connectionParams },
        });
        const watching = setInterval(() => {
          if (gw.gateway.live.subscriptions() > 0) finish("listening");
        }, 20);
        const bound = setTimeout(() => finish("neither listening nor refused within 10 s"), 10_000);
        const finish = (result: string) => {
          clearInterval(watching);
          clearTimeout(bound);
          resolve(result);
          void client.dispose();
        };
        client.subscribe(
          { query: accessChanged, variables: { enterprise: e.number }, ...(extensions ? { extensions } : {}) },
          {
            next: () => undefined,
            error: (errors) => {
              const first = (errors as { extensions?: { code?: string; field?: string } }[])[0];
              finish(`${first?.extensions?.code}:${first?.extensions?.field}`);
            },
            complete: () => finish("complete"),
          },
        );
      });
    };
    const written = await graphql(gw.url, addUser, newUser());
    const sent = written.headers.get("consistency-token")!;
    expect(await outcome({}, { consistencyToken: sent })).toBe("listening");
    expect(await outcome({ consistencyToken: sent })).toBe("listening");
    expect(await outcome({}, { consistencyToken: "gtid:x" })).toBe("BAD_USER_INPUT:extensions.consistencyToken");
    expect(await outcome({ consistencyToken: 42 })).toBe("BAD_USER_INPUT:connectionParams.consistencyToken");
    expect(await outcome({}, { consistencyToken: "gtid:٠-١-١" })).toBe("BAD_USER_INPUT:extensions.consistencyToken");
  });
});
