import { UnavailableError } from "../src/errors";
import { asUnavailable, unavailability } from "../src/database/driver-errors";
import { versionedTables } from "../src/database/enterprise-versions";
import { faultedTables, tablesWithTriggers } from "../src/database/trigger-cache";
import { logUnavailable, unavailabilityLogWindowMs } from "../src/http/unavailable";
import { captureLogs } from "./support/logs";

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED", errno: -111 });

describe("an unavailable database", () => {
  it("is recognised from the driver's failures: refused, reset, lost, killed, and a node not ready (1047)", () => {
    expect(unavailability(refused())).toBe("DATABASE_UNREACHABLE");
    expect(unavailability({ code: "ECONNRESET" })).toBe("DATABASE_UNREACHABLE");
    expect(unavailability({ driverError: { code: "PROTOCOL_CONNECTION_LOST" } })).toBe("DATABASE_UNREACHABLE");
    expect(unavailability({ driverError: { code: "ER_CONNECTION_KILLED", errno: 1927 } })).toBe("DATABASE_UNREACHABLE");
    expect(unavailability(new Error("Can't add new command when connection is in closed state"))).toBe("DATABASE_UNREACHABLE");
    const notReady = { code: "ER_UNKNOWN_COM_ERROR", errno: 1047, message: "WSREP has not yet prepared node for application use" };
    expect(unavailability({ driverError: notReady })).toBe("NODE_NOT_READY");
    // A statement on a node that lost the primary component (seen in the kill -9 suite, on the surviving nodes).
    const nonPrimary = {
      errno: 1180,
      message: "Error while appending streaming replication fragment(provider status: Not connected to Primary Component)",
    };
    expect(unavailability({ driverError: nonPrimary })).toBe("NODE_NOT_READY");
    expect(asUnavailable({ driverError: notReady })).toMatchObject({
      reason: "NODE_NOT_READY",
      extensions: { code: "UNAVAILABLE", retryAfter: 2 },
    });
    // A read's causal wait that a node outside the primary component cannot complete (a write's 1205 is a TIMEOUT, decided first).
    expect(unavailability({ code: "ER_LOCK_WAIT_TIMEOUT", errno: 1205 })).toBe("NODE_NOT_READY");
    // A request's own failures are not availability: a duplicate key, a deadlock, the request's deadline.
    expect(unavailability({ code: "ER_DUP_ENTRY", errno: 1062 })).toBeNull();
    expect(unavailability({ code: "ER_LOCK_DEADLOCK", errno: 1213 })).toBeNull();
    expect(unavailability({ code: "ER_REQUEST_DEADLINE" })).toBeNull();
  });

  it("includes MariaDB's trigger-cache fault that a flush did not clear, found in the named trigger's table or in every table the written one's triggers reach", () => {
    const fault = (query: string) =>
      Object.assign(new Error("Unknown trigger has an error in its body: 'Query was empty'"), {
        query,
        driverError: { code: "ER_PARSE_ERROR", errno: 1064, message: "Unknown trigger has an error in its body: 'Query was empty'" },
      });
    expect(unavailability(fault("UPDATE `person` SET `phone` = ? WHERE `id` IN (?)"))).toBe("DATABASE_FAULT");
    const named = { code: "ER_PARSE_ERROR", errno: 1064, message: "Trigger 'tr_ebox_version_insert' has an error in its body: 'x'" };
    expect(unavailability({ driverError: named })).toBe("DATABASE_FAULT");
    expect(unavailability({ code: "ER_PARSE_ERROR", errno: 1064, message: "You have an error in your SQL syntax" })).toBeNull();
    // Unnamed (MariaDB's own fault): the written table, and the enterprise row its version trigger updates, whose
    // change-log trigger may be the broken copy (the cluster suite's races met exactly that).
    expect(faultedTables(fault("UPDATE `person` SET `phone` = ? WHERE `id` IN (?)"))).toEqual(["person", "enterprise"]);
    expect(faultedTables(fault("INSERT INTO `role_assignment`(`id`) VALUES (DEFAULT)"))).toEqual(["role_assignment", "enterprise"]);
    expect(faultedTables(fault("INSERT INTO `service_provider_mandate`(`id`) VALUES (DEFAULT)"))).toEqual([
      "service_provider_mandate",
      "enterprise",
    ]);
    // The change log's triggers (src/database/access-changes.ts) are on the enterprise row too; they write no table with triggers.
    expect(faultedTables(fault("UPDATE `enterprise` SET `status` = ? WHERE `id` IN (?)"))).toEqual(["enterprise"]);
    // Named: that trigger's table only, whatever the statement wrote.
    expect(faultedTables({ driverError: named })).toEqual(["ebox"]);
    expect(faultedTables({ ...fault("INSERT INTO `role_assignment`(`id`) VALUES (DEFAULT)"), driverError: named })).toEqual(["ebox"]);
    // A statement on a table without triggers, none at all, or a trigger that is not the gateway's: every table with triggers.
    const all = tablesWithTriggers();
    // The version triggers' tables, and those of the change log: the enterprise row, and the access requests filed by person.
    expect(all).toEqual([...versionedTables.map(({ table }) => table), "enterprise", "access_request"]);
    expect(faultedTables(fault("INSERT INTO `audit_event`(`id`) VALUES (DEFAULT)"))).toEqual(all);
    expect(faultedTables({ driverError: { ...named, message: "Trigger 'someone_elses' has an error in its body: 'x'" } })).toEqual(all);
    expect(faultedTables({ driverError: { ...named, message: "Unknown trigger has an error in its body: 'Query was empty'" } })).toEqual(
      all,
    );
  });

  it("is logged once per burst: the first refusal with its request id, then the count per window, and again after a quiet window", () => {
    jest.useFakeTimers();
    try {
      const logs = captureLogs();
      const error = new UnavailableError("DATABASE_UNREACHABLE", refused());
      const t0 = Date.now();
      logUnavailable(logs.logger, error, "r1", t0);
      for (let i = 2; i <= 50; i++) logUnavailable(logs.logger, error, `r${i}`, t0 + i * 10);
      expect(logs.lines()).toEqual([
        expect.objectContaining({ level: "warn", requestId: "r1", reason: "DATABASE_UNREACHABLE", driverCode: "ECONNREFUSED" }),
      ]);
      // The window's count is written when it closes.
      jest.advanceTimersByTime(unavailabilityLogWindowMs);
      expect(logs.lines()).toHaveLength(2);
      expect(logs.lines()[1]).toMatchObject({ level: "warn", requestId: "r50", refusals: 49 });
      // After a quiet window, a refusal starts another burst.
      logUnavailable(logs.logger, error, "later", t0 + 500 + 2 * unavailabilityLogWindowMs);
      expect(logs.lines()).toHaveLength(3);
      expect(logs.lines()[2]).toMatchObject({ requestId: "later", driverCode: "ECONNREFUSED" });
      expect(logs.text()).not.toContain("127.0.0.1");
    } finally {
      jest.useRealTimers();
    }
  });
});
