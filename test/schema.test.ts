import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { buildSchema, findBreakingChanges, isObjectType } from "graphql";
import { mutationRules, queryRules, fieldRules } from "../src/access/shield";
import { buildGatewaySchema } from "../src/model/schema";
import { printSortedSchema } from "../src/model/type-defs";

const root = join(__dirname, "..");
const emitted = readFileSync(join(root, "schema", "schema.graphql"), "utf8");

describe("the schema artefact", () => {
  it("is the committed schema/schema.graphql (run `npm run schema` after a change)", () => {
    expect(emitted).toBe(printSortedSchema() + "\n");
  });

  it("keeps every type, field, argument and enum value of the v1 contract", () => {
    const contract = buildSchema(readFileSync(join(root, "..", "shared", "CONTRACT.graphql"), "utf8"));
    expect(findBreakingChanges(contract, buildSchema(emitted))).toEqual([]);
  });

  it("has generated code that matches it (run `npm run codegen` after a change)", () => {
    // --check exits non-zero when a generated file would change.
    expect(() =>
      execFileSync(join(root, "node_modules", ".bin", "graphql-codegen"), ["--config", "codegen.yml", "--check"], { cwd: root, stdio: "pipe" }),
    ).not.toThrow();
  });
});

describe("the shield", () => {
  const schema = buildGatewaySchema();

  it("has a rule of its own for every Query and Mutation field (deny by default is kept)", () => {
    const query = schema.getQueryType()!;
    const mutation = schema.getMutationType()!;
    expect(Object.keys(queryRules).sort()).toEqual(Object.keys(query.getFields()).sort());
    expect(Object.keys(mutationRules).sort()).toEqual(Object.keys(mutation.getFields()).sort());
  });

  it("guards only fields that exist", () => {
    for (const [typeName, fields] of Object.entries(fieldRules)) {
      const type = schema.getType(typeName);
      expect(isObjectType(type)).toBe(true);
      if (isObjectType(type)) for (const field of Object.keys(fields)) expect(type.getFields()[field]).toBeDefined();
    }
  });
});
