import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Access requests: a person asks for online services of one capacity of an enterprise, named by its number, which
 * may not exist (the answer must not tell), so the row keeps the number and no enterprise key. `open_key` is 1 while
 * the request is PENDING and NULL after: the unique key on (person, enterprise number, capacity, open_key) allows at
 * most one open request per person, enterprise and capacity, on both dialects (NULLs never collide). Not part of an
 * enterprise's read model: a stranger's request must not move the version of an enterprise they cannot see.
 */
export class AccessRequests1764300000014 implements MigrationInterface {
  name = "AccessRequests1764300000014";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    const id = sqlite ? "id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL" : "id INT NOT NULL AUTO_INCREMENT PRIMARY KEY";
    const time = sqlite ? "datetime" : "DATETIME(3)";
    const int = sqlite ? "INTEGER" : "INT";
    await queryRunner.query(
      `CREATE TABLE access_request (${id}, person_id ${int} NOT NULL, enterprise_number VARCHAR(10) NOT NULL, ` +
        `capacity_code VARCHAR(64) NOT NULL, online_services VARCHAR(500) NOT NULL, message VARCHAR(500) NULL, ` +
        `valid_until ${time} NULL, status VARCHAR(16) NOT NULL, open_key ${int} NULL, created_at ${time} NOT NULL, ` +
        `expires_at ${time} NOT NULL, decided_at ${time} NULL, decided_by_id ${int} NULL, reason VARCHAR(500) NULL, ` +
        `assignment_id ${int} NULL)` +
        (sqlite ? "" : " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"),
    );
    await queryRunner.query(
      "CREATE UNIQUE INDEX ux_access_request_open ON access_request (person_id, enterprise_number, capacity_code, open_key)",
    );
    await queryRunner.query("CREATE INDEX ix_access_request_enterprise ON access_request (enterprise_number, capacity_code, status)");
    await queryRunner.query("CREATE INDEX ix_access_request_person ON access_request (person_id, created_at)");
    await queryRunner.query("CREATE INDEX ix_access_request_due ON access_request (open_key, expires_at)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE access_request");
  }
}
