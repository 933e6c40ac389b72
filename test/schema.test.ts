import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { buildSchema, findBreakingChanges, isObjectType, parse, validate } from "graphql";
import { assertEveryRootFieldRuled, fieldRules, queryRules, subscriptionRules } from "../src/graphql/shield";
import { mutationRules } from "../src/graphql/mutation-rules";
import { buildGatewaySchema, buildTypedSchema, directlyResolvedFields, printSortedSchema } from "../src/graphql/schema";

const root = join(__dirname, "..");
const emitted = readFileSync(join(root, "schema", "schema.graphql"), "utf8");
/** The v1 contract as the project holds it: a copy of ../shared/CONTRACT.graphql, so that every clone can test against it. */
const contractFile = join(root, "schema", "contract-v1.graphql");
const sharedContract = join(root, "..", "shared", "CONTRACT.graphql");

describe("the schema artefact", () => {
  it("is the committed schema/schema.graphql (run `npm run schema` after a change)", () => {
    expect(emitted).toBe(printSortedSchema() + "\n");
  });

  it("keeps every type, field, argument and enum value of the v1 contract", () => {
    const contract = buildSchema(readFileSync(contractFile, "utf8"));
    expect(findBreakingChanges(contract, buildSchema(emitted))).toEqual([]);
  });

  it("reads the contract from the project's copy, which is the shared contract wherever that sits beside the project", () => {
    expect(contractFile.startsWith(join(root, "schema"))).toBe(true);
    const copy = readFileSync(contractFile, "utf8");
    expect(buildSchema(copy).getQueryType()?.name).toBe("Query");
    // Beside the original checkout the shared contract is there and the copy must be it; a clone without it has only the copy.
    if (existsSync(sharedContract)) expect(copy).toBe(readFileSync(sharedContract, "utf8"));
  });

  it("validates every operation of schema/operations", () => {
    const schema = buildSchema(emitted);
    const files = readdirSync(join(root, "schema", "operations")).filter((f) => f.endsWith(".graphql"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const errors = validate(schema, parse(readFileSync(join(root, "schema", "operations", file), "utf8")));
      expect({ file, errors: errors.map((e) => e.message) }).toEqual({ file, errors: [] });
    }
  });

  it("has generated code that matches it (run `npm run codegen` after a change)", () => {
    // --check exits non-zero when a generated file would change.
    expect(() =>
      execFileSync(join(root, "node_modules", ".bin", "graphql-codegen"), ["--config", "codegen.yml", "--check"], {
        cwd: root,
        stdio: "pipe",
      }),
    ).not.toThrow();
  });
});

describe("the shield", () => {
  const schema = buildGatewaySchema();

  it("has a rule of its own for every Query, Mutation and Subscription field (deny by default is kept)", () => {
    const query = schema.getQueryType()!;
    const mutation = schema.getMutationType()!;
    const subscription = schema.getSubscriptionType()!;
    expect(Object.keys(queryRules).sort()).toEqual(Object.keys(query.getFields()).sort());
    expect(Object.keys(mutationRules).sort()).toEqual(Object.keys(mutation.getFields()).sort());
    expect(Object.keys(subscriptionRules).sort()).toEqual(Object.keys(subscription.getFields()).sort());
  });

  it("stops the gateway at start-up when a Query or Mutation field has no rule", () => {
    const withNewQuery = buildSchema(emitted.replace(/^type Query \{$/m, "type Query {\n  unruled: String"));
    const withNewMutation = buildSchema(emitted.replace(/^type Mutation \{$/m, "type Mutation {\n  unruled: String"));
    const withNewSubscription = buildSchema(emitted.replace(/^type Subscription \{$/m, "type Subscription {\n  unruled: String"));
    expect(() => assertEveryRootFieldRuled(withNewQuery, mutationRules)).toThrow("Query.unruled has no rule");
    expect(() => assertEveryRootFieldRuled(withNewMutation, mutationRules)).toThrow("Mutation.unruled has no rule");
    expect(() => assertEveryRootFieldRuled(withNewSubscription, mutationRules)).toThrow("Subscription.unruled has no rule");
    expect(() => assertEveryRootFieldRuled(buildSchema(emitted), mutationRules)).not.toThrow();
  });

  it("guards only fields that exist", () => {
    for (const [typeName, fields] of Object.entries(fieldRules)) {
      const type = schema.getType(typeName);
      expect(isObjectType(type)).toBe(true);
      if (isObjectType(type)) for (const field of Object.keys(fields)) expect(type.getFields()[field]).toBeDefined();
    }
  });
});

describe("the typed schema", () => {
  it("calls every field resolver of the object types directly, not through type-graphql's per-call handler", () => {
    const schema = buildTypedSchema();
    const resolved = Object.values(schema.getTypeMap())
      .filter(
        (type) => isObjectType(type) && !type.name.startsWith("__") && type !== schema.getQueryType() && type !== schema.getMutationType(),
      )
      .flatMap((type) =>
        isObjectType(type)
          ? Object.values(type.getFields())
              .filter((f) => f.resolve)
              .map((f) => `${type.name}.${f.name}`)
          : [],
      );
    expect(resolved.length).toBeGreaterThan(30);
    expect(resolved.filter((field) => !directlyResolvedFields.has(field))).toEqual([]);
  });
});
