import { galeraViewChangeMs, sessionBounds, type DatabaseDeadlines, type MysqlServer } from "../src/database/mysql-sessions";

const deadlines: DatabaseDeadlines = {
  statementTimeoutMs: 5_000,
  lockWaitTimeoutS: 3,
  idleTransactionTimeoutS: 5,
  connectTimeoutMs: 5_000,
  galeraSyncWait: 1,
};
const mariadb = (galera: MysqlServer["galera"]): MysqlServer => ({
  flavour: "mariadb",
  variables: new Set(["max_statement_time", "innodb_lock_wait_timeout", "idle_transaction_timeout"]),
  galera,
});

describe("the bounds of the gateway's MySQL/MariaDB sessions", () => {
  it("set wsrep_sync_wait on a Galera node only, as GALERA_SYNC_WAIT says", () => {
    expect(sessionBounds(deadlines, mariadb(null))).toEqual({
      statement: "SET SESSION innodb_lock_wait_timeout = 3, max_statement_time = 5, idle_transaction_timeout = 5",
      answerWithinMs: 7_000,
    });
    expect(sessionBounds(deadlines, mariadb({ viewChangeMs: 12_500 })).statement).toBe(
      "SET SESSION innodb_lock_wait_timeout = 3, max_statement_time = 5, idle_transaction_timeout = 5, wsrep_sync_wait = 1",
    );
    expect(sessionBounds({ ...deadlines, galeraSyncWait: 0 }, mariadb({ viewChangeMs: 12_500 })).statement).toMatch(
      /, wsrep_sync_wait = 0$/,
    );
  });

  it("wait for an answer on a Galera node as long as a member's failure may hold the cluster, beyond the statement's bound", () => {
    expect(sessionBounds(deadlines, mariadb({ viewChangeMs: 12_500 })).answerWithinMs).toBe(19_500);
    const options =
      "evs.auto_evict = 0; evs.install_timeout = PT7.5S; evs.join_retrans_period = PT1S; evs.suspect_timeout = PT5S; pc.weight = 1";
    expect(galeraViewChangeMs(options)).toBe(12_500);
    expect(galeraViewChangeMs("evs.suspect_timeout = PT2S; evs.install_timeout = PT1M")).toBe(62_000);
    // Galera's defaults where the options do not say (or say it in a form not understood).
    expect(galeraViewChangeMs("")).toBe(12_500);
    expect(galeraViewChangeMs("evs.suspect_timeout = soon")).toBe(12_500);
  });
});
