import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { costOfComputedField } from "./document-limits";

type Fields = Map<string, { name: string; nodes: FieldNode[] }>;

/**
 * The actual cost of an answer: the units of the requested cost (src/http/document-limits.ts, `costEstimator`) counted
 * over what execution really returned. Every object or list field in the answer costs 1, `myTasks` its tasks, a leaf
 * nothing; a list counts each item it returned instead of its `first` or assumed length, and a connection the items
 * of its page (its `pageInfo` once per item, as its estimate counts it). So for the same document, where no list ran
 * longer than its estimate, the actual cost is at most the requested one; an unpaginated list longer than its
 * assumed 10 items (or introspection's) counts its real length.
 */
export function answerCost(
  schema: GraphQLSchema,
  document: { definitions: readonly { kind: string }[] },
  operation: OperationDefinitionNode,
  data: Record<string, unknown> | null | undefined,
): number {
  if (!data) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const fragment = definition as FragmentDefinitionNode;
      fragments.set(fragment.name.value, fragment);
    }
  const root = schema.getRootType(operation.operation);
  return root ? objectCost(schema, fragments, root, [operation.selectionSet], data) : 0;
}

/** Whether a fragment with this type condition applies to an object of `type`. */
function applies(schema: GraphQLSchema, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined || condition === type.name) return true;
  const named = schema.getType(condition);
  return named !== undefined && isAbstractType(named) && schema.isSubType(named, type);
}

/** The fields selected on an object of `type`, by response key, fragments expanded (graphql-js's CollectFields, directives aside). */
function collect(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): Fields {
  const fields: Fields = new Map();
  const visited = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const known = fields.get(key);
        if (known) known.nodes.push(selection);
        else fields.set(key, { name: selection.name.value, nodes: [selection] });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(schema, selection.typeCondition?.name.value, type)) visit(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment && applies(schema, fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet);
  return fields;
}

function fieldOf(type: GraphQLObjectType, name: string, root: boolean): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (root && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (root && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return type.getFields()[name];
}

/**
 * The cost of the fields of one object of the answer. Only the keys the answer holds count: a field skipped by
 * `@skip`/`@include`, or of a fragment that did not apply, is not there.
 */
function objectCost(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  value: Record<string, unknown>,
): number {
  const root = type === schema.getQueryType() || type === schema.getMutationType();
  const connection = type.name.endsWith("Connection");
  // A connection's parts other than its items (pageInfo) count once per item of the page, as its estimate does.
  const items = connection ? Math.max(lengthOf(value.edges), lengthOf(value.nodes)) : 1;
  let cost = 0;
  for (const [key, { name, nodes }] of collect(schema, fragments, type, selectionSets)) {
    if (!(key in value)) continue;
    const field = fieldOf(type, name, root);
    if (!field) continue;
    const below = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
    const perItem = connection && (name === "edges" || name === "nodes");
    const fieldCost = valueCost(schema, fragments, type, field, below, value[key], perItem);
    cost += perItem ? fieldCost : fieldCost * items;
  }
  return cost;
}

const lengthOf = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

function valueCost(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  below: readonly SelectionSetNode[],
  value: unknown,
  perItem: boolean,
): number {
  const computed = costOfComputedField(`${parent.name}.${field.name}`);
  if (computed !== undefined) return value === null || value === undefined ? 0 : computed;
  if (isLeafType(getNamedType(field.type))) return 0;
  const named = getNamedType(field.type) as GraphQLCompositeType;
  const itemCost = (item: unknown): number =>
    item !== null && typeof item === "object" ? compositeCost(schema, fragments, named, below, item as Record<string, unknown>) : 0;
  if (isListType(getNullableType(field.type)) && Array.isArray(value)) {
    // The edges or nodes of a connection: 1 per item (each counted under the connection), else 1 for the list.
    return perItem
      ? value.reduce((sum: number, item) => sum + 1 + itemCost(item), 0)
      : 1 + value.reduce((sum: number, item) => sum + itemCost(item), 0);
  }
  return 1 + itemCost(value);
}

/**
 * The cost of an object of a composite type: of its concrete type when it is one, else of the possible types whose
 * selected fields hold every key of the object (the most costly of them, as the estimate takes).
 */
function compositeCost(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  type: GraphQLCompositeType,
  selectionSets: readonly SelectionSetNode[],
  value: Record<string, unknown>,
): number {
  if (isObjectType(type)) return objectCost(schema, fragments, type, selectionSets, value);
  const keys = Object.keys(value);
  let most = 0;
  for (const candidate of schema.getPossibleTypes(type)) {
    const fields = collect(schema, fragments, candidate, selectionSets);
    if (keys.every((key) => fields.has(key))) most = Math.max(most, objectCost(schema, fragments, candidate, selectionSets, value));
  }
  return most;
}
