import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import { englishText, message, type Message } from "../i18n/messages";
import { formatEnterpriseNumber, parseEnterpriseNumber, parseSsin, type Checked } from "./identifiers";

/**
 * A value the scalar refuses. graphql-js names the variable (or reports the literal) and keeps these extensions, so the
 * client gets BAD_USER_INPUT (or the document's validation failure) worded in its language, without graphql-js's text.
 * A literal's refusal carries the literal's node: graphql-js reports the error as it is thrown, and its location is
 * how src/http/input-paths.ts names the argument the literal stands in.
 */
const badInput = (problem: Message, literal?: ValueNode) =>
  new GraphQLError(englishText(problem), {
    nodes: literal,
    extensions: { code: "BAD_USER_INPUT", messageKey: problem.key, params: problem.params },
  });

function stringScalar({
  name,
  description,
  parse,
  serialize,
  notText,
}: {
  name: string;
  description: string;
  parse: (input: string) => Checked<string>;
  serialize: (value: string) => string;
  notText: Message;
}): GraphQLScalarType<string, string> {
  const checked = (input: unknown, literal?: ValueNode): string => {
    if (typeof input !== "string") throw badInput(notText, literal);
    const result = parse(input);
    if (!result.ok) throw badInput(result.problem, literal);
    return result.value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => serialize(String(value)),
    parseValue: (input) => checked(input),
    parseLiteral: (ast: ValueNode) => checked(ast.kind === Kind.STRING ? ast.value : undefined, ast),
  });
}

export const EnterpriseNumberScalar = stringScalar({
  name: "EnterpriseNumber",
  description:
    "A Belgian enterprise number (KBO/BCE). Accepted as 10 digits with optional dots, spaces and BE prefix; the last two digits are 97 - (first eight mod 97). Always returned as 0123.456.749.",
  parse: parseEnterpriseNumber,
  serialize: formatEnterpriseNumber,
  notText: message("check.enterpriseNumber.notText"),
});

export const SsinScalar = stringScalar({
  name: "Ssin",
  description:
    "A Belgian national number (INSZ/NISS): 11 digits, check digits 97 - (first nine mod 97), with a 2 prefixed for people born in 2000 or later. Accepted with dots, dashes and spaces; returned as 11 digits.",
  parse: parseSsin,
  serialize: (value) => value,
  notText: message("check.ssin.notText"),
});

/**
 * A date-time as the model holds it: the ISO-8601 string the read side read (src/read/row-reader.ts), passed through
 * to the answer as it is, or a Date where code made one (a management action's `now`).
 */
export type DateTime = Date | string;

const dateTime = DateTimeResolver.toConfig();
const isoDateTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** graphql-scalars' DateTime, its refusals worded like the other scalars' (its own text names the scalar: jargon). */
const checkedDateTime =
  <A extends unknown[]>(parse: (...args: A) => unknown, literalOf: (...args: A) => ValueNode | undefined) =>
  (...args: A): unknown => {
    try {
      return parse(...args);
    } catch {
      throw badInput(message("check.dateTime.invalid"), literalOf(...args));
    }
  };

/**
 * graphql-scalars' DateTime, written out as a string: graphql-scalars answers a Date, which JSON.stringify turns into
 * its toISOString(), so the answer is the same text; a string already in that form is not parsed again.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...dateTime,
  name: "DateTime",
  description: "An ISO-8601 date-time in UTC.",
  serialize: (value: unknown): string =>
    typeof value === "string" && isoDateTime.test(value) ? value : (dateTime.serialize(value) as Date).toISOString(),
  parseValue: checkedDateTime(dateTime.parseValue!, () => undefined),
  parseLiteral: checkedDateTime(dateTime.parseLiteral!, (literal) => literal),
});
