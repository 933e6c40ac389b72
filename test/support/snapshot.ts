import type { DataSource } from "typeorm";

const tables = [
  "person",
  "enterprise",
  "enterprise_capacity",
  "role_assignment",
  "role_assignment_online_service",
  "service_provider_mandate",
  "ebox",
  "ebox_message",
  "structured_messaging_config",
  "audit_event",
  "audit_chain_head",
  "enterprise_status_history",
  "enterprise_capacity_history",
  "ebox_history",
  "role_assignment_online_service_history",
];

/** Every row of every table of the model, to show that a refused request changed nothing (audit events included). */
export async function snapshot(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of tables) result[table] = await dataSource.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
  return result;
}
