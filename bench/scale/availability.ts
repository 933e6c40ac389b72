import { isObjectType, parse, validate, type GraphQLSchema } from "graphql";
import type { ScaleScenario } from "./scenarios";

/** Whether a schema has `Type.field` or `Type.field(argument)`. */
export function hasCoordinate(schema: GraphQLSchema, coordinate: string): boolean {
  const match = /^(\w+)\.(\w+)(?:\((\w+)\))?$/.exec(coordinate);
  if (!match) throw new Error(`not a schema coordinate: ${coordinate}`);
  const [, typeName, fieldName, argumentName] = match;
  const type = schema.getType(typeName);
  const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
  if (!field) return false;
  return argumentName === undefined || field.args.some((a) => a.name === argumentName);
}

/**
 * Whether the scenario runs against this schema: `null` when it does, else the line that says why not: the fields it
 * waits for, or (once they exist) how its document disagrees with them.
 */
export function unavailability(schema: GraphQLSchema, scenario: ScaleScenario): string | null {
  const missing = scenario.needs.filter((c) => !hasCoordinate(schema, c));
  if (missing.length > 0) return `needs field ${missing.join(", ")}`;
  const errors = validate(schema, parse(scenario.document));
  return errors.length === 0 ? null : `its document does not match the schema: ${errors.map((e) => e.message).join("; ")}`;
}
