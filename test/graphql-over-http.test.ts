import { serverAudits, type AuditResult } from "graphql-http";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";

describe("GraphQL over HTTP conformance (graphql-http's audits)", () => {
  let gw: TestGateway;
  let token: string;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite");
    token = await gw.token(ssin());
  });
  afterAll(async () => gw?.stop());

  it("passes every MUST and SHOULD audit as an authenticated client", async () => {
    const fetchFn = (input: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    const results: { id: string; name: string; result: AuditResult }[] = [];
    for (const audit of serverAudits({ url: gw.url, fetchFn })) results.push({ id: audit.id, name: audit.name, result: await audit.fn() });
    const failed = results
      .filter((r) => r.result.status !== "ok" && !r.name.startsWith("MAY"))
      .map((r) => `${r.name}: ${r.result.status === "ok" ? "" : r.result.reason}`);
    const count = (level: string) => results.filter((r) => r.name.startsWith(level));
    expect(failed).toEqual([]);
    expect(count("MUST").length).toBe(13);
    expect(count("SHOULD").length).toBe(23);
  });
});
