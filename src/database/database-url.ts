/** DATABASE_URL: what it may say, and how to name it in a message without its password. */
export const defaultDatabaseUrl = "sqlite:data/access.sqlite";

export class DatabaseUrlError extends Error {}

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** A Unix socket of a server on this machine (`?socket=/run/mysqld/mysqld.sock`): host and port are then not used. */
  socketPath?: string;
}

export type DatabaseTarget = { dialect: "sqlite"; path: string } | ({ dialect: "mysql" } & MysqlTarget);

/**
 * Parses DATABASE_URL: `sqlite:PATH` (`sqlite::memory:` for a throwaway database) or `mysql://USER:PASS@HOST:PORT/DB`,
 * optionally `?socket=/PATH` for a server on this machine (a Unix socket costs the gateway about a tenth less CPU than
 * loopback TCP).
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\//, "");
    if (path === "") throw new DatabaseUrlError("DATABASE_URL sqlite: needs a file path, e.g. sqlite:data/access.sqlite");
    return { dialect: "sqlite", path };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DatabaseUrlError("DATABASE_URL is not a valid URL: expected mysql://USER:PASS@HOST:PORT/DB");
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
    if (!parsed.hostname || !database)
      throw new DatabaseUrlError("DATABASE_URL must name a host and a database: mysql://USER:PASS@HOST:PORT/DB");
    const port = parsed.port ? Number(parsed.port) : 3306;
    const unknown = [...parsed.searchParams.keys()].filter((name) => name !== "socket");
    if (unknown.length > 0) throw new DatabaseUrlError(`DATABASE_URL knows one parameter, socket (got "${unknown[0].slice(0, 40)}")`);
    const socketPath = parsed.searchParams.get("socket") ?? undefined;
    if (socketPath !== undefined && !socketPath.startsWith("/"))
      throw new DatabaseUrlError("DATABASE_URL's socket must be an absolute path, e.g. ?socket=/run/mysqld/mysqld.sock");
    return {
      dialect: "mysql",
      host: parsed.hostname,
      port,
      user: decodeURIComponent(parsed.username || "root"),
      password: decodeURIComponent(parsed.password),
      database,
      ...(socketPath ? { socketPath } : {}),
    };
  }
  throw new DatabaseUrlError(`DATABASE_URL must start with sqlite: or mysql:// (got "${url.split(":")[0]}:...")`);
}

/** Where DATABASE_URL points, for messages: never the password. */
export function describeDatabase(url: string): string {
  const target = parseDatabaseUrl(url);
  if (target.dialect === "sqlite") return `sqlite:${target.path}`;
  return target.socketPath
    ? `mysql://${target.user}@${target.host}/${target.database}?socket=${target.socketPath}`
    : `mysql://${target.user}@${target.host}:${target.port}/${target.database}`;
}
