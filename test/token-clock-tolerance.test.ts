import { loadOrCreateDevKeys, signDevToken } from "../src/identity/dev-keys";
import { tokenExpiredReason, unauthorizedClose } from "../src/http/live-connections";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql } from "./support/http";
import { ssin } from "./support/identities";
import { listening, subscribe, within } from "./support/live";

/** A development token of `gw` whose `exp` is `exp` (seconds since the epoch). */
async function tokenExpiringAt(gw: TestGateway, person: string, exp: number): Promise<string> {
  return signDevToken(await loadOrCreateDevKeys(gw.config.devKeyFile), { ssin: person, expiresIn: exp });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleepUntil = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

const me = (gw: TestGateway, token: string) => graphql(gw.url, "{ me { ssin } }", { token });

/**
 * One gateway per database, with a tolerance short enough to wait out: the default's value (30 s) is the
 * configuration's (test/config.test.ts); what matters here is that both transports hold a token to the same instant.
 */
describeEachDatabase("one clock tolerance for tokens, on HTTP and on the WebSocket (TOKEN_CLOCK_TOLERANCE=6)", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { TOKEN_CLOCK_TOLERANCE: "6" });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("accepts a token already past its exp on both transports: the socket opens and stays open", async () => {
    const person = ssin();
    const token = await tokenExpiringAt(gw, person, nowSeconds() - 1);
    expect((await me(gw, token)).json).toEqual({ data: { me: { ssin: person } } });
    const socket = subscribe(gw, token);
    try {
      await listening(gw, 1);
      await expect(within(socket.closed, 1_000, "open")).resolves.toBe("open");
    } finally {
      await socket.dispose();
      await listening(gw, 0);
    }
  });

  it("refuses a token past its exp by more than the tolerance on both transports", async () => {
    const token = await tokenExpiringAt(gw, ssin(), nowSeconds() - 40);
    const answer = await me(gw, token);
    expect(answer.status).toBe(401);
    expect(answer.json?.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    const socket = subscribe(gw, token);
    await expect(socket.closed).resolves.toMatchObject({ code: unauthorizedClose });
    await socket.dispose();
  });

  it("holds a token to exp + 6 s on both: HTTP accepts it past exp, the socket closes at exp + 6 s, HTTP refuses it then", async () => {
    const person = ssin();
    const exp = nowSeconds() + 1;
    const token = await tokenExpiringAt(gw, person, exp);
    const socket = subscribe(gw, token);
    try {
      await listening(gw, 1);
      let closedAt = 0;
      const closed = socket.closed.then((event) => {
        closedAt = Date.now();
        return event;
      });
      // A second past exp, five before the tolerance ends: a margin for a slow machine.
      await sleepUntil((exp + 1) * 1000);
      expect((await me(gw, token)).json).toEqual({ data: { me: { ssin: person } } });
      expect(closedAt).toBe(0);
      // Never before exp + 6 s (timers do not fire early); the upper bound only catches a socket never closed.
      await expect(within(closed, 20_000, "still open")).resolves.toEqual({ code: unauthorizedClose, reason: tokenExpiredReason });
      expect(closedAt).toBeGreaterThanOrEqual((exp + 6) * 1000);
      const refused = await me(gw, token);
      expect(refused.json?.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    } finally {
      await socket.dispose();
    }
  });
});
