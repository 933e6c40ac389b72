import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { printSortedSchema } from "../graphql/schema";

const target = join(__dirname, "..", "..", "schema", "schema.graphql");
writeFileSync(target, printSortedSchema() + "\n");
process.stderr.write(`Wrote ${target}\n`);
