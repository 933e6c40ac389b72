import type { ApolloServerPlugin } from "@apollo/server";
import {
  getOperationAST,
  Kind,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type SourceLocation,
  type ValueNode,
} from "graphql";
import type { Context } from "../context";

/**
 * One convention for the input an error is about, whoever refused it (a scalar, a validation rule, an action):
 * `extensions.field` is its argument path as the schema names it (`input.person.ssin`, `number`, `first`,
 * `input.onlineServices[1]`; a directive's argument is `@language.code`), and `extensions.variable` its path in the
 * variables when the value came from one (`i.person.ssin`). An action knows only the argument path, graphql-js's
 * coercion of the variables only the variable's path (src/http/format-error.ts reads it from its message), and a
 * validation rule only where the literal stands in the document: the document, walked here, links the three.
 */

type Segment = string | number;

const printPath = (segments: readonly Segment[]): string =>
  segments.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join("");

/** `input.person.ssin`, `i.onlineServices[1]` or `@language.code` as segments; null for anything else. */
function parsePath(path: string): Segment[] | null {
  const match = /^(@?[A-Za-z_]\w*)((?:\.[A-Za-z_]\w*|\[\d+\])*)$/.exec(path);
  if (!match) return null;
  const rest = [...match[2].matchAll(/\.([A-Za-z_]\w*)|\[(\d+)\]/g)].map(([, name, index]) => (index !== undefined ? Number(index) : name));
  return [match[1], ...rest];
}

/** Where each argument value, variable and field of a document stands, and through which argument path. */
class DocumentInputs {
  /** A value or argument node's offset in the source -> its argument path (a literal, an input object's field, a list item). */
  private readonly pathAt = new Map<number, Segment[]>();
  /** A field's offset in the source -> the field. */
  private readonly fieldAt = new Map<number, FieldNode>();
  /** Where each line of the source starts: an error's line and column become an offset in one step. */
  private readonly lineStarts = [0];
  /** The variables the operation (and the fragments it spreads) uses, each at its argument paths, in document order. */
  private readonly uses = new Map<string, Segment[][]>();

  constructor(document: DocumentNode, operation: OperationDefinitionNode | null) {
    const fragments = new Map(
      document.definitions.flatMap((definition) =>
        definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : [],
      ),
    );
    for (const lineBreak of (document.loc?.source.body ?? "").matchAll(/\r\n|[\n\r]/g))
      this.lineStarts.push(lineBreak.index + lineBreak[0].length);
    // Every definition's literals and fields (a validation error may stand in any), the operation's variables only.
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) {
        this.directives(definition.directives, false);
        this.selections(definition.selectionSet, false);
      }
    }
    if (!operation) return;
    const seen = new Set<string>();
    const visit = (selectionSet: SelectionSetNode) => {
      this.selections(selectionSet, true, (name) => {
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name)) {
          seen.add(name);
          this.directives(fragment.directives, true);
          visit(fragment.selectionSet);
        }
      });
    };
    this.directives(operation.directives, true);
    visit(operation.selectionSet);
  }

  /** A location as graphql-js reports it (line and column from 1, in UTF-16 code units) as an offset in the source. */
  private offsetOf({ line, column }: SourceLocation): number {
    return (this.lineStarts[line - 1] ?? Number.NaN) + column - 1;
  }

  private selections(selectionSet: SelectionSetNode | undefined, variables: boolean, spread?: (name: string) => void): void {
    for (const selection of selectionSet?.selections ?? []) {
      this.directives(selection.directives, variables);
      if (selection.kind === Kind.FRAGMENT_SPREAD) spread?.(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) this.selections(selection.selectionSet, variables, spread);
      else {
        if (!variables && selection.loc) this.fieldAt.set(selection.loc.start, selection);
        this.arguments(selection.arguments, [], variables);
        this.selections(selection.selectionSet, variables, spread);
      }
    }
  }

  private directives(directives: readonly DirectiveNode[] | undefined, variables: boolean): void {
    for (const directive of directives ?? []) this.arguments(directive.arguments, [`@${directive.name.value}`], variables);
  }

  private arguments(args: readonly ArgumentNode[] | undefined, prefix: Segment[], variables: boolean): void {
    for (const argument of args ?? []) {
      const path = [...prefix, argument.name.value];
      if (!variables) this.record(argument, path);
      this.value(argument.value, path, variables);
    }
  }

  private record(node: { loc?: { start: number } }, path: Segment[]): void {
    if (node.loc && !this.pathAt.has(node.loc.start)) this.pathAt.set(node.loc.start, path);
  }

  private value(node: ValueNode, path: Segment[], variables: boolean): void {
    if (!variables) this.record(node, path);
    if (node.kind === Kind.VARIABLE) {
      if (variables) this.uses.set(node.name.value, [...(this.uses.get(node.name.value) ?? []), path]);
    } else if (node.kind === Kind.OBJECT) {
      for (const field of node.fields) {
        if (!variables) this.record(field, [...path, field.name.value]);
        this.value(field.value, [...path, field.name.value], variables);
      }
    } else if (node.kind === Kind.LIST) {
      node.values.forEach((item, index) => this.value(item, [...path, index], variables));
    }
  }

  /** The argument paths a variable's path stands for: where the variable is used, followed by the rest of its path. */
  fieldsOfVariable(variablePath: string): string[] {
    const segments = parsePath(variablePath);
    if (!segments || typeof segments[0] !== "string") return [];
    const [name, ...rest] = segments;
    return [...new Set((this.uses.get(name) ?? []).map((use) => printPath([...use, ...rest])))];
  }

  /** The argument path of the literal (or argument) at `location`. */
  fieldAtLocation(location: SourceLocation): string | undefined {
    const path = this.pathAt.get(this.offsetOf(location));
    return path ? printPath(path) : undefined;
  }

  /** The argument at `location` (a field refused as a whole), or the argument path a refusal of the field at `location` names. */
  fieldNamedBy(location: SourceLocation, argument: string): string | undefined {
    return this.fieldAt.has(this.offsetOf(location)) ? argument : undefined;
  }

  /**
   * The variable's path behind an argument path of the field at `location`, if a variable holds that value or one
   * of the input objects or lists around it: `input.person.ssin` of `f(input: $i)` is `i.person.ssin`, of
   * `f(input: { person: $p })` `p.ssin`.
   */
  variableOfField(location: SourceLocation, fieldPath: string): string | undefined {
    const field = this.fieldAt.get(this.offsetOf(location));
    const segments = parsePath(fieldPath);
    if (!field || !segments) return undefined;
    const [argumentName, ...rest] = segments;
    let node: ValueNode | undefined = field.arguments?.find((argument) => argument.name.value === argumentName)?.value;
    for (let index = 0; node; index++) {
      if (node.kind === Kind.VARIABLE) return printPath([node.name.value, ...rest.slice(index)]);
      const segment = rest[index];
      if (segment === undefined) return undefined;
      if (node.kind === Kind.OBJECT && typeof segment === "string") {
        node = node.fields.find((objectField) => objectField.name.value === segment)?.value;
      } else if (node.kind === Kind.LIST && typeof segment === "number") node = node.values[segment];
      else return undefined;
    }
    return undefined;
  }
}

/** graphql-js's words for a required argument or input field left out, located at the field or input object that lacks it. */
const missingArgument =
  /^(?:Field|Directive) "(@?)([A-Za-z_]\w*)" argument "([A-Za-z_]\w*)" of type "[^"]*" is required, but it was not provided\./;
const missingInputField = /^Field "(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)" of required type "[^"]*" was not provided\./;

/** An error with `field` and `variable` named by the convention above, where the document says them; else as it was. */
function withInputPath(error: GraphQLFormattedError, inputs: () => DocumentInputs): GraphQLFormattedError {
  const extensions = error.extensions ?? {};
  const location = error.locations?.[0];
  const add = (named: { field?: string; fields?: string[]; variable?: string }) => {
    const found = Object.entries(named).filter(([, value]) => value !== undefined);
    return found.length === 0 ? error : { ...error, extensions: { ...extensions, ...Object.fromEntries(found) } };
  };
  if (extensions.code === "BAD_USER_INPUT") {
    if (typeof extensions.variable === "string" && extensions.field === undefined) {
      const fields = inputs().fieldsOfVariable(extensions.variable);
      return add({ field: fields[0], ...(fields.length > 1 ? { fields } : {}) });
    }
    if (typeof extensions.field === "string" && extensions.variable === undefined && location) {
      return add({ variable: inputs().variableOfField(location, extensions.field) });
    }
    return error;
  }
  if (extensions.code === "GRAPHQL_VALIDATION_FAILED" && extensions.field === undefined && location) {
    const argument = missingArgument.exec(error.message);
    if (argument) return add({ field: argument[1] ? `@${argument[2]}.${argument[3]}` : inputs().fieldNamedBy(location, argument[3]) });
    const at = inputs().fieldAtLocation(location);
    const inputField = missingInputField.exec(error.message);
    return add({ field: at && inputField ? `${at}.${inputField[1]}` : at });
  }
  return error;
}

/**
 * The errors of an answer with their input named (see above). The document is walked only when an error needs it,
 * once for all of them; an error the document cannot place keeps what it had.
 */
export function withInputPaths<E extends GraphQLFormattedError>(
  errors: readonly E[],
  document: DocumentNode | undefined,
  operationName?: string | null,
): E[] {
  if (!document) return [...errors];
  let inputs: DocumentInputs | undefined;
  const lazily = () => (inputs ??= new DocumentInputs(document, getOperationAST(document, operationName ?? undefined) ?? null));
  return errors.map((error) => withInputPath(error, lazily) as E);
}

/** Apollo's plugin: each answer's errors with their input named, from the request's document and operation. */
export function inputPaths(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, document, request }) {
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = withInputPaths(response.body.singleResult.errors, document, request.operationName);
        },
      };
    },
  };
}
