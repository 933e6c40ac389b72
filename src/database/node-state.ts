/**
 * What a load balancer needs to know of the database server behind a gateway beyond "it answers": a Galera node that
 * answers but is not ready (joining, donating, outside the primary component) refuses statements with 1047, or serves
 * stale reads; and, with read replicas, whether each answers and how far behind it is.
 */
import type { DataSource, EntityManager } from "typeorm";
import { dialectOf } from "./dialect";
import { driverCode } from "./driver-errors";
import { replicaPools, type ReplicaConnection } from "./replica-pools";

type Rows = { Variable_name: string; Value: string }[];

/**
 * Why the server is not ready for the gateway, or null when it is: with `wsrep_on` = ON, `wsrep_ready` must be ON and
 * `wsrep_local_state_comment` Synced. A server without Galera (wsrep_on OFF or absent, SQLite) is ready when it answers.
 * SHOW statements are served by a node that is not ready, so this reads even where every table refuses (1047).
 */
export async function galeraNotReady(manager: Pick<EntityManager, "query">, dataSource: DataSource): Promise<string | null> {
  if (dialectOf(dataSource) !== "mysql") return null;
  const on = (await manager.query("SHOW GLOBAL VARIABLES LIKE 'wsrep\\_on'")) as Rows;
  if (on[0]?.Value?.toUpperCase() !== "ON") return null;
  const status = (await manager.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_status')",
  )) as Rows;
  const value = (name: string) => status.find((row) => row.Variable_name.toLowerCase() === name)?.Value ?? "?";
  const ready = value("wsrep_ready");
  const state = value("wsrep_local_state_comment");
  if (ready.toUpperCase() === "ON" && state === "Synced") return null;
  return `galera node not ready (wsrep_ready=${ready}, wsrep_local_state_comment=${state}, wsrep_cluster_status=${value("wsrep_cluster_status")})`;
}

export interface ReplicaState {
  /** The replica's place in DATABASE_REPLICA_URLS (from 1) and its host:port, never its credentials. */
  replica: string;
  reachable: boolean;
  /** Seconds_Behind_Master as the replica reports it (null: not replicating, or the account may not read it). */
  lagSeconds?: number | null;
  /** Why it is not reachable: the driver's code. */
  error?: string;
}

/**
 * The state of each read replica (none without DATABASE_REPLICA_URLS): reachable or not, and its lag when
 * `SHOW SLAVE STATUS` may be read (it needs REPLICATION CLIENT / SLAVE MONITOR; without it the lag is null).
 */
export async function replicaStates(dataSource: DataSource): Promise<ReplicaState[]> {
  return Promise.all(
    replicaPools(dataSource).map(async ({ name: replica, connect }): Promise<ReplicaState> => {
      let connection: ReplicaConnection;
      try {
        connection = await connect();
      } catch (error) {
        return { replica, reachable: false, error: driverCode(error) || "UNREACHABLE" };
      }
      try {
        const rows = await connection.query("SHOW SLAVE STATUS").catch(() => null);
        const lag = Array.isArray(rows) && rows.length > 0 ? (rows[0] as { Seconds_Behind_Master?: unknown }).Seconds_Behind_Master : null;
        return { replica, reachable: true, lagSeconds: lag === null || lag === undefined ? null : Number(lag) };
      } finally {
        connection.release();
      }
    }),
  );
}
