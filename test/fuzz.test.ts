import fc from "fast-check";
import { SignJWT, generateKeyPair } from "jose";
import { devAlgorithm, devAudience, devIssuer, loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { hostileRequests, type Cast, type HostileRequest } from "./support/hostile-requests";
import { graphql, leaksIn, send, type HttpAnswer } from "./support/http";
import { enterpriseNumber, ssin } from "./support/identities";
import { snapshot } from "./support/snapshot";

/** Cases per dialect; FUZZ_RUNS and FUZZ_SEED (printed on failure) replay or widen a run. */
const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** The codes of the contract and of Apollo's and the HTTP layer's refusals: anything else is a failure. */
const typedCodes = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "QUERY_TOO_COMPLEX",
  "RATE_LIMITED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PAYLOAD_TOO_LARGE",
  "PERSISTED_QUERY_NOT_FOUND",
  "OPERATION_RESOLUTION_FAILURE",
]);

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Tokens that must all be refused: unsigned, signed by a stranger's key, tampered with, expired, for another audience. */
async function forgedTokens(gw: TestGateway, subject: string): Promise<string[]> {
  const keys = await loadOrCreateDevKeys(gw.config.devKeyFile);
  const foreign = await generateKeyPair(devAlgorithm);
  const claims = () => new SignJWT({}).setProtectedHeader({ alg: devAlgorithm }).setSubject(subject).setIssuer(devIssuer).setIssuedAt();
  const valid = await gw.token(subject);
  const [header, , signature] = valid.split(".");
  return [
    `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: subject, iss: devIssuer, aud: devAudience, exp: 4_102_444_800 })}.`,
    await claims().setAudience(devAudience).setExpirationTime("1h").sign(foreign.privateKey),
    `${header}.${base64url({ sub: ssin(), iss: devIssuer, aud: devAudience, exp: 4_102_444_800 })}.${signature}`,
    await claims()
      .setAudience(devAudience)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(keys.privateKey),
    await claims().setAudience("another-service").setExpirationTime("1h").sign(keys.privateKey),
    `${valid}x`,
  ];
}

const isMutation = (request: HostileRequest) => /mutation/.test(typeof request.body === "string" ? request.body : request.search);

/** A refused request: an HTTP refusal, or errors without any result of a root field. */
const refused = (answer: HttpAnswer) =>
  answer.status >= 400 || !answer.json?.data || Object.values(answer.json.data).every((value) => value === null);

describeEachDatabase("hostile requests, generated", (dialect) => {
  let gw: TestGateway;
  let cast: Cast;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const other = await gw.seed.enterprise({ legalRepresentative: enterprise.legalRepresentative }).build();
    const stranger = ssin();
    await gw.seed.person(stranger);
    cast = {
      tokens: {
        legalRepresentative: await gw.token(enterprise.legalRepresentative),
        mainAccessManager: await gw.token(enterprise.mainAccessManager!),
        stranger: await gw.token(stranger),
        forged: await forgedTokens(gw, enterprise.legalRepresentative),
      },
      enterprise: enterprise.number,
      otherEnterprise: other.number,
      ssin: ssin(),
    };
  });
  afterAll(() => gw?.stop());

  it("answers each with a typed 4xx or with data: never a 500, never internals, never a change by a refused request", async () => {
    let cases = 0;
    let accepted = 0;
    const kinds = new Map<string, number>();
    let state = await snapshot(gw.dataSource);
    const started = process.hrtime.bigint();

    await fc.assert(
      fc.asyncProperty(hostileRequests(cast), async (request) => {
        cases++;
        kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
        const answer = await send(`${gw.url}${request.search}`, { method: request.method, headers: request.headers, body: request.body });
        const sent = `${request.search} ${typeof request.body === "string" ? request.body : ""} ${JSON.stringify(request.headers)}`;

        expect(answer.status).toBeLessThan(500);
        expect(answer.json).not.toBeNull();
        expect(leaksIn(answer.text, sent)).toEqual([]);
        const codes = (answer.json?.errors ?? []).map((e) => e.extensions?.code);
        expect(codes.filter((code) => !typedCodes.has(String(code)))).toEqual([]);
        // One shape, whoever refused: every error carries its key, params and English text.
        for (const error of answer.json?.errors ?? [])
          expect(Object.keys(error.extensions ?? {})).toEqual(expect.arrayContaining(["code", "messageKey", "params", "englishMessage"]));
        if (answer.status >= 400) expect(codes.length).toBeGreaterThan(0);
        else expect(answer.json?.data !== undefined || codes.length > 0).toBe(true);
        if (request.expected) {
          expect(answer.json?.errors?.[0].extensions).toMatchObject({ code: request.expected.code });
          if (request.expected.field) expect(answer.json?.errors?.[0].extensions?.field).toEqual(expect.any(String));
        }

        if (isMutation(request)) {
          const now = await snapshot(gw.dataSource);
          if (refused(answer)) {
            expect(now).toEqual(state);
          } else {
            accepted++;
            state = now;
          }
        }
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );

    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `fuzz [${dialect}]: ${cases} cases in ${seconds.toFixed(1)} s, ${accepted} mutations accepted; ${[...kinds].map(([k, n]) => `${k}: ${n}`).join(", ")}`,
    );
    expect(cases).toBe(runs);

    expect((await fetch(new URL("/healthz", gw.url))).status).toBe(200);
    expect((await fetch(new URL("/readyz", gw.url))).status).toBe(200);
    // The legal representative, not the main access manager: a generated appointMainAccessManager may have replaced
    // the latter, and with the function they lose every role in the enterprise.
    const after = await graphql(gw.url, "{ myEnterprises { number } }", { token: cast.tokens.legalRepresentative });
    expect(after.json?.data?.myEnterprises).toEqual([
      expect.objectContaining({ number: expect.any(String) }),
      expect.objectContaining({ number: expect.any(String) }),
    ]);
    // 2,000 requests: about 50 s on a quiet 2-core machine; the margin is for a busy one.
  }, 240_000);

  it("refuses an enterprise number with altered check digits before the mutation runs, naming its argument and the variable", async () => {
    const number = enterpriseNumber();
    const altered = `${number.slice(0, 8)}${String(((Number(number.slice(8)) % 97) + 1) % 100).padStart(2, "0")}`;
    const answer = await graphql(gw.url, "mutation ($e: EnterpriseNumber!) { activateEnterpriseAccount(enterprise: $e) { status } }", {
      token: cast.tokens.mainAccessManager,
      variables: { e: altered },
      headers: { accept: "application/graphql-response+json" },
    });
    expect(answer.status).toBe(400);
    expect(answer.json?.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "enterprise", variable: "e" });
  });
});
