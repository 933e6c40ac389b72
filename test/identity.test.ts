import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLClient, gql } from "graphql-request";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from "jose";
import type { UnauthenticatedReason } from "../src/errors";
import { Person } from "../src/domain/entities";
import { withBadCheckDigits } from "./support/check-digits";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { ssin } from "./support/identities";
import { freePort } from "./support/processes";

const me = gql`
  {
    me {
      ssin
      givenName
      familyName
    }
  }
`;

/** An OpenID Connect provider in miniature: a key set served over HTTP on 127.0.0.1, and the key that signs its tokens. */
interface IdentityProvider {
  base: string;
  issuer: string;
  audience: string;
  jwksUrl: string;
  sign(
    claims: JWTPayload,
    options?: { key?: CryptoKey; kid?: string; issuer?: string; audience?: string; expiresAt?: number | null; issuedAt?: number },
  ): Promise<string>;
  stop(): Promise<void>;
}

async function startIdentityProvider(): Promise<IdentityProvider> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = "test-key-1";
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] });
  const server: Server = createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(jwks);
    } else if (req.url === "/broken/jwks.json") {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>");
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/realms/test`;
  const audience = "secure-access-gateway-test";
  return {
    base,
    issuer,
    audience,
    jwksUrl: `${base}/.well-known/jwks.json`,
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const token = new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: options.kid ?? kid, typ: "JWT" })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt(options.issuedAt ?? now);
      // expiresAt: null signs a token without `exp`.
      if (options.expiresAt !== null) token.setExpirationTime(options.expiresAt ?? now + 300);
      return token.sign(options.key ?? privateKey);
    },
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

function bearer(gw: TestGateway, token: string): GraphQLClient {
  return new GraphQLClient(gw.url, { headers: { authorization: `Bearer ${token}` } });
}

async function personCount(gw: TestGateway, personSsin?: string): Promise<number> {
  return gw.dataSource.getRepository(Person).countBy(personSsin ? { ssin: personSsin } : {});
}

describeEachDatabase("identity with development tokens", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  it("accepts a token the gateway signed and creates the person from its name claims on first sight", async () => {
    const person = ssin();
    const response = await bearer(gw, await gw.token(person, { givenName: "Lotte", familyName: "Maes" })).request(me);
    expect(response).toEqual({ me: { ssin: person, givenName: "Lotte", familyName: "Maes" } });
    expect(await personCount(gw, person)).toBe(1);
  });

  it("lets an anonymous caller ask only __typename", async () => {
    const anonymous = new GraphQLClient(gw.url);
    await expect(
      anonymous.request(gql`
        {
          __typename
        }
      `),
    ).resolves.toEqual({ __typename: "Query" });
    await expectError(anonymous.request(me), { code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" });
    await expectError(
      anonymous.request(gql`
        {
          capacities {
            code
          }
        }
      `),
      { code: "UNAUTHENTICATED" },
    );
  });

  it("refuses a token signed with another development key, and a token that is not a JWT", async () => {
    const person = ssin();
    const other = await startTestGateway("sqlite");
    try {
      await expectError(bearer(gw, await other.token(person)).request(me), { code: "UNAUTHENTICATED" });
    } finally {
      await other.stop();
    }
    await expectError(bearer(gw, "not-a-token").request(me), { code: "UNAUTHENTICATED" });
    expect(await personCount(gw, person)).toBe(0);
  });
});

describeEachDatabase("identity with an OpenID Connect provider", (dialect) => {
  let idp: IdentityProvider;
  let gw: TestGateway;
  beforeAll(async () => {
    idp = await startIdentityProvider();
    gw = await startTestGateway(dialect, { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: idp.audience, AUTH_JWKS_URL: idp.jwksUrl });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.stop();
  });

  it("accepts a token of the provider and creates the person from given_name and family_name on first sight", async () => {
    const person = ssin();
    expect(await personCount(gw, person)).toBe(0);
    const token = await idp.sign({ sub: person, given_name: "Els", family_name: "Wouters" });
    await expect(bearer(gw, token).request(me)).resolves.toEqual({ me: { ssin: person, givenName: "Els", familyName: "Wouters" } });
    expect(await personCount(gw, person)).toBe(1);
  });

  it("accepts a person born in 2000 or later (check digits with the 2 prefix)", async () => {
    const person = ssin({ born2000: true });
    const token = await idp.sign({ sub: person, given_name: "Noor", family_name: "Jacobs" });
    await expect(bearer(gw, token).request(me)).resolves.toEqual({ me: { ssin: person, givenName: "Noor", familyName: "Jacobs" } });
  });

  it("keeps a known person's names when a later token carries other names", async () => {
    const person = ssin();
    await bearer(gw, await idp.sign({ sub: person, given_name: "Karel", family_name: "Smet" })).request(me);
    const later = await idp.sign({ sub: person, given_name: "Someone", family_name: "Else" });
    await expect(bearer(gw, later).request(me)).resolves.toEqual({ me: { ssin: person, givenName: "Karel", familyName: "Smet" } });
    expect(await personCount(gw, person)).toBe(1);
  });

  it("takes name claims as the model keeps names: trimmed, at most 100 characters, and none with control characters", async () => {
    const person = ssin();
    const token = await idp.sign({ sub: person, given_name: `  ${"G".repeat(120)}  `, family_name: "Bad\u0000Name" });
    await expect(bearer(gw, token).request(me)).resolves.toEqual({ me: { ssin: person, givenName: "G".repeat(100), familyName: "" } });
  });

  it("lets an anonymous caller ask only __typename", async () => {
    const anonymous = new GraphQLClient(gw.url);
    await expect(
      anonymous.request(gql`
        {
          __typename
        }
      `),
    ).resolves.toEqual({ __typename: "Query" });
    await expectError(
      anonymous.request(gql`
        {
          me {
            ssin
          }
        }
      `),
      { code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" },
    );
  });

  describe("refuses, as UNAUTHENTICATED and without creating the person,", () => {
    const now = () => Math.floor(Date.now() / 1000);
    const refused: [string, (person: string) => Promise<string>, UnauthenticatedReason][] = [
      ["an expired token", (person) => idp.sign({ sub: person }, { issuedAt: now() - 7200, expiresAt: now() - 3600 }), "TOKEN_EXPIRED"],
      [
        "a token without an expiry (no exp claim)",
        (person) => idp.sign({ sub: person, given_name: "Forever", family_name: "Valid" }, { expiresAt: null }),
        "TOKEN_INVALID",
      ],
      [
        "an unsigned token (alg: none)",
        async (person) =>
          `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: person, iss: idp.issuer, aud: idp.audience, iat: now(), exp: now() + 300 })}.`,
        "TOKEN_INVALID",
      ],
      [
        "a token signed with a foreign key under the provider's key id",
        async (person) => idp.sign({ sub: person }, { key: (await generateKeyPair("RS256")).privateKey }),
        "TOKEN_INVALID",
      ],
      [
        "a token signed with a foreign key unknown to the key set",
        async (person) => idp.sign({ sub: person }, { key: (await generateKeyPair("RS256")).privateKey, kid: "foreign" }),
        "TOKEN_INVALID",
      ],
      [
        "a token signed with a shared secret (HS256)",
        async (person) =>
          new SignJWT({ sub: person })
            .setProtectedHeader({ alg: "HS256" })
            .setIssuer(idp.issuer)
            .setAudience(idp.audience)
            .setIssuedAt()
            .setExpirationTime("5m")
            .sign(new TextEncoder().encode("a-shared-secret-of-at-least-32-bytes!")),
        "TOKEN_INVALID",
      ],
      [
        "a token of another issuer",
        (person) => idp.sign({ sub: person }, { issuer: "https://idp.example.org/realms/other" }),
        "TOKEN_INVALID",
      ],
      ["a token for another audience", (person) => idp.sign({ sub: person }, { audience: "another-service" }), "TOKEN_INVALID"],
      [
        "a token whose signature was tampered with",
        async (person) => (await idp.sign({ sub: person })).replace(/.{4}$/, "AAAA"),
        "TOKEN_INVALID",
      ],
    ];

    it.each(refused)("%s, with reason %s", async (_case, makeToken, reason) => {
      const person = ssin();
      const before = await personCount(gw);
      await expectError(bearer(gw, await makeToken(person)).request(me), { code: "UNAUTHENTICATED", reason });
      expect(await personCount(gw, person)).toBe(0);
      expect(await personCount(gw)).toBe(before);
    });

    it("a token without an expiry, saying so", async () => {
      const refusal = await expectError(bearer(gw, await idp.sign({ sub: ssin() }, { expiresAt: null })).request(me), {
        code: "UNAUTHENTICATED",
        reason: "TOKEN_INVALID",
      });
      expect(refusal.message).toBe("The bearer token has no expiry (exp): tokens that never expire are refused");
    });

    it("a token whose subject is not a valid national number", async () => {
      const before = await personCount(gw);
      for (const sub of [withBadCheckDigits(ssin()), "12345", "abcdefghijk", ""]) {
        await expectError(bearer(gw, await idp.sign({ sub, given_name: "Bad", family_name: "Subject" })).request(me), {
          code: "UNAUTHENTICATED",
          reason: "SUBJECT_INVALID",
        });
      }
      await expectError(bearer(gw, await idp.sign({ given_name: "No", family_name: "Subject" })).request(me), {
        code: "UNAUTHENTICATED",
        reason: "SUBJECT_INVALID",
      });
      expect(await personCount(gw)).toBe(before);
    });

    it("a malformed Authorization header", async () => {
      const before = await personCount(gw);
      const token = await idp.sign({ sub: ssin() });
      for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", `Bearer ${token} extra`, token, ""]) {
        const client = new GraphQLClient(gw.url, { headers: { authorization } });
        await expectError(client.request(me), { code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
      }
      expect(await personCount(gw)).toBe(before);
    });
  });
});

describe("identity when the provider's key set cannot be read", () => {
  let idp: IdentityProvider;
  beforeAll(async () => {
    idp = await startIdentityProvider();
  });
  afterAll(() => idp?.stop());

  it.each([
    ["answers with something that is not a key set", async () => `${idp.base}/broken/jwks.json`],
    ["answers 404", async () => `${idp.base}/missing/jwks.json`],
    ["does not answer at all", async () => `http://127.0.0.1:${await freePort()}/jwks.json`],
  ])("treats a good token as the gateway's failure, not the caller's, when the key set URL %s", async (_case, jwksUrl) => {
    const gw = await startTestGateway("sqlite", { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: idp.audience, AUTH_JWKS_URL: await jwksUrl() });
    try {
      const person = ssin();
      const error = await expectError(bearer(gw, await idp.sign({ sub: person })).request(me), { code: "INTERNAL_SERVER_ERROR" });
      expect(error.message).not.toMatch(/jwks|fetch|ECONNREFUSED/i);
      expect(await personCount(gw, person)).toBe(0);
      await expect(
        new GraphQLClient(gw.url).request(gql`
          {
            __typename
          }
        `),
      ).resolves.toEqual({ __typename: "Query" });
    } finally {
      await gw.stop();
    }
  });
});

// The verifier keeps verified tokens for a while (src/identity/tokens.ts); what it keeps must not outlive the token.
// Token checks do not touch the database: SQLite alone.
describe("verified tokens kept by the gateway", () => {
  let idp: IdentityProvider;
  let gw: TestGateway;
  beforeAll(async () => {
    idp = await startIdentityProvider();
    gw = await startTestGateway("sqlite", { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: idp.audience, AUTH_JWKS_URL: idp.jwksUrl });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.stop();
  });

  it("refuses a token altered anywhere, even while the original is kept as verified", async () => {
    const person = ssin();
    const token = await idp.sign({ sub: person });
    await expect(bearer(gw, token).request(me)).resolves.toMatchObject({ me: { ssin: person } });
    const [header, payload, signature] = token.split(".");
    const middle = Math.floor(signature.length / 2);
    const alteredSignature = `${signature.slice(0, middle)}${signature[middle] === "A" ? "B" : "A"}${signature.slice(middle + 1)}`;
    await expectError(bearer(gw, [header, payload, alteredSignature].join(".")).request(me), { code: "UNAUTHENTICATED" });
    // The same claims with another subject, under the original signature.
    const otherPayload = base64url({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: ssin() });
    await expectError(bearer(gw, [header, otherPayload, signature].join(".")).request(me), { code: "UNAUTHENTICATED" });
    await expect(bearer(gw, token).request(me)).resolves.toMatchObject({ me: { ssin: person } });
  });

  it("refuses an expired token that it accepted and kept before it expired", async () => {
    const person = ssin();
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await idp.sign({ sub: person }, { expiresAt });
    await expect(bearer(gw, token).request(me)).resolves.toMatchObject({ me: { ssin: person } });
    await expect(bearer(gw, token).request(me)).resolves.toMatchObject({ me: { ssin: person } });
    // Past `exp` and the 30 s of clock tolerance that verification allows.
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 + 31_000 - Date.now()));
    const refusal = await expectError(bearer(gw, token).request(me), { code: "UNAUTHENTICATED" });
    expect(refusal.message).toBe("The bearer token has expired");
  }, 90_000);
});
