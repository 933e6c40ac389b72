import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, lexicographicSortSchema, printSchema } from "graphql";

/** The SDL of the gateway (src/model/schema.graphql): the contract, plus what the gateway adds. */
export const typeDefs = readFileSync(join(__dirname, "schema.graphql"), "utf8");

/** The artefact committed as schema/schema.graphql: sorted so that diffs show real changes only. */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(buildSchema(typeDefs)));
}
