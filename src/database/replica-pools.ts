/** The read replicas of a data source, one by one: for what must ask a given replica (its state, its position). */
import type { DataSource } from "typeorm";
import { dialectOf } from "./dialect";
import { abandonConnection } from "./mysql-sessions";

/** A connection of one replica's pool: `query` answers the driver's rows; give it back with `release`. */
export interface ReplicaConnection {
  query(sql: string, params?: readonly unknown[]): Promise<unknown>;
  release(): void;
  /** Gives the connection up at once (an answer that does not come): its pending statement fails, and the pool drops it. */
  abandon(): void;
}

export interface ReplicaPool {
  /** The replica's place in DATABASE_REPLICA_URLS (from 1) and its host:port, never its credentials. */
  name: string;
  /** A connection of this replica's pool; rejects when the replica cannot be reached (or is left out after failing). */
  connect(): Promise<ReplicaConnection>;
}

interface DriverConnection {
  query(sql: string, params: unknown[], callback: (error: Error | null, rows?: unknown) => void): void;
  release(): void;
}
interface PoolCluster {
  getConnection(pattern: string, callback: (error: Error | null, connection?: DriverConnection) => void): void;
}

/**
 * The pool of each read replica (none on SQLite or without DATABASE_REPLICA_URLS), in the order of the URLs. TypeORM
 * names them SLAVE0, SLAVE1... in mysql2's pool cluster, and reads outside transactions go to any of them in turn.
 */
export function replicaPools(dataSource: DataSource): ReplicaPool[] {
  if (dialectOf(dataSource) !== "mysql") return [];
  const replication = (dataSource.options as { replication?: { slaves: { host?: string; port?: number }[] } }).replication;
  const cluster = (dataSource.driver as unknown as { poolCluster?: PoolCluster }).poolCluster;
  if (!replication || !cluster) return [];
  return replication.slaves.map(({ host, port }, index) => ({
    name: `${index + 1} (${host ?? "?"}:${port ?? 3306})`,
    connect: () =>
      new Promise<ReplicaConnection>((resolve, reject) =>
        cluster.getConnection(`SLAVE${index}`, (error, connection) => {
          if (error || !connection) return reject(error ?? new Error("no connection"));
          resolve({
            query: (sql, params = []) =>
              new Promise((done, fail) => connection.query(sql, [...params], (failure, rows) => (failure ? fail(failure) : done(rows)))),
            release: () => connection.release(),
            abandon: () => abandonConnection(connection, "PROTOCOL_SEQUENCE_TIMEOUT", "The replica did not answer in time"),
          });
        }),
      ),
  }));
}
