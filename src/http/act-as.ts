import { isIP } from "node:net";
import express, { type Request, type Router } from "express";
import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import { parseSsin } from "../domain/identifiers";
import { signDevToken, type DevKeys } from "../identity/dev-keys";
import { peopleToActAs } from "../identity/people-to-act-as";
import { roleNames } from "../i18n/names";

/** GET: the people one may act as; POST `{ "ssin": "…" }`: a fresh development token for one of them. */
export const actAsPath = "/playground/act-as";

const loopbackAddress = (address: string | undefined): boolean => {
  if (!address) return false;
  const plain = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return plain === "::1" || (isIP(plain) === 4 && plain.startsWith("127."));
};

/** The host a browser named, without its port: `localhost`, `127.0.0.1` or `[::1]` when it is this machine. */
const loopbackHost = (host: string | undefined): boolean => {
  const name = (host ?? "").replace(/:\d+$/, "").toLowerCase();
  return name === "localhost" || name === "[::1]" || (isIP(name) === 4 && name.startsWith("127."));
};

/**
 * A request from a browser on the gateway's own machine, to the gateway by a loopback name: the socket's peer is a
 * loopback address (whatever TRUST_PROXY says: a proxy on this machine would relay others), no proxy header names
 * another client, and the Host header is a loopback name, so that a page of another site whose name an attacker
 * points at 127.0.0.1 (DNS rebinding) is not served. A page of another origin cannot read the answers either: these
 * routes send no CORS headers, and the token is asked for with a JSON body, which a browser sends across origins
 * only after a preflight that is refused.
 */
export function fromThisMachine(req: Request): boolean {
  return (
    loopbackAddress(req.socket.remoteAddress) &&
    req.headers.forwarded === undefined &&
    req.headers["x-forwarded-for"] === undefined &&
    loopbackHost(req.headers.host)
  );
}

/**
 * The playground's "Act as" (development only: mounted only when the gateway signs its own tokens, never with an
 * identity provider, so never in production): the people with a current role, from the database, and a development
 * token for the one chosen. Outside `fromThisMachine` both answer 404, as in production.
 */
export function actAsRoutes({ dataSource, clock, keys }: { dataSource: DataSource; clock: Clock; keys: DevKeys }): Router {
  const router = express.Router();
  router.use(actAsPath, (req, res, next) => {
    if (fromThisMachine(req)) return next();
    res.status(404).type("text").send("Not Found");
  });
  router.get(actAsPath, (_req, res, next) => {
    peopleToActAs(dataSource, { now: clock.now() })
      .then((people) => {
        res.set("cache-control", "no-store").json({
          people: people.map((person) => ({
            ...person,
            roles: person.roles.map((held) => ({ ...held, roleName: roleNames[held.role].EN })),
          })),
        });
      })
      .catch(next);
  });
  router.post(actAsPath, express.json({ limit: "1kb" }), (req, res, next) => {
    const ssin = parseSsin(typeof req.body?.ssin === "string" ? req.body.ssin : "");
    // express.json reads only a JSON body: a form or text body (sent across origins without a preflight) is no ssin.
    if (!ssin.ok) {
      res.status(400).json({ error: 'Send {"ssin": "<national number>"} as application/json' });
      return;
    }
    peopleToActAs(dataSource, { now: clock.now(), ssin: ssin.value })
      .then(async ([person]) => {
        if (!person) {
          res.status(404).json({ error: "No one with a current role has this national number" });
          return;
        }
        const token = await signDevToken(keys, { ssin: person.ssin, givenName: person.givenName, familyName: person.familyName });
        res.set("cache-control", "no-store").json({ token });
      })
      .catch(next);
  });
  return router;
}
