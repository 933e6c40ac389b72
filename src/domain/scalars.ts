import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import { englishText, message, type Message } from "../i18n/messages";
import { formatEnterpriseNumber, parseEnterpriseNumber, parseSsin, type Checked } from "./identifiers";

/**
 * A value the scalar refuses. graphql-js names the variable (or reports the literal) and keeps these extensions, so the
 * client gets BAD_USER_INPUT (or the document's validation failure) worded in its language, without graphql-js's text.
 */
const badInput = (problem: Message) =>
  new GraphQLError(englishText(problem), { extensions: { code: "BAD_USER_INPUT", messageKey: problem.key, params: problem.params } });

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
  const parseValue = (input: unknown): string => {
    if (typeof input !== "string") throw badInput(notText);
    const checked = parse(input);
    if (!checked.ok) throw badInput(checked.problem);
    return checked.value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => serialize(String(value)),
    parseValue,
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.STRING) throw badInput(notText);
      return parseValue(ast.value);
    },
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
  <A extends unknown[]>(parse: (...args: A) => unknown) =>
  (...args: A): unknown => {
    try {
      return parse(...args);
    } catch {
      throw badInput(message("check.dateTime.invalid"));
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
  parseValue: checkedDateTime(dateTime.parseValue!),
  parseLiteral: checkedDateTime(dateTime.parseLiteral!),
});
