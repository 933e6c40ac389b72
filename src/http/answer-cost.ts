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
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { costOfComputedField } from "./document-limits";

/** A field selected on objects of one type, as the walk counts it. */
interface Selected {
  key: string;
  field: GraphQLField<unknown, unknown>;
  /** What it costs whatever it selects (`myTasks`, `rateLimit`), when it is such a field. */
  computed: number | undefined;
  leaf: boolean;
  list: boolean;
  /** The edges or nodes of a connection: each item counts 1 under its connection. */
  perItem: boolean;
  /** The selection sets of the field, merged over every place it is selected (fragments included). */
  below: SelectionSetNode[];
  named: GraphQLCompositeType | null;
}

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
  document: DocumentNode,
  operation: OperationDefinitionNode,
  data: Record<string, unknown> | null | undefined,
): number {
  const root = schema.getRootType(operation.operation);
  if (!data || !root) return 0;
  return new AnswerWalk(schema, document).objectCost(root, [operation.selectionSet], data);
}

class AnswerWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /** What is selected on each type, by the selection sets it is read with: a list's items share one plan. */
  private readonly plans = new Map<readonly SelectionSetNode[], Map<string, Selected[]>>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
  ) {
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
  }

  /**
   * The cost of the fields of one object of the answer. Only the keys the answer holds count: a field skipped by
   * `@skip`/`@include`, or of a fragment that did not apply, is not there.
   */
  objectCost(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], value: Record<string, unknown>): number {
    const connection = type.name.endsWith("Connection");
    // A connection's parts other than its items (pageInfo) count once per item of its page, as its estimate does.
    const items = connection ? Math.max(lengthOf(value.edges), lengthOf(value.nodes)) : 1;
    let cost = 0;
    for (const selected of this.plan(type, selectionSets)) {
      if (!(selected.key in value)) continue;
      const fieldCost = this.valueCost(selected, value[selected.key]);
      cost += selected.perItem ? fieldCost : fieldCost * items;
    }
    return cost;
  }

  private valueCost(selected: Selected, value: unknown): number {
    if (selected.computed !== undefined) return value === null || value === undefined ? 0 : selected.computed;
    if (selected.leaf) return 0;
    const itemCost = (item: unknown): number =>
      item !== null && typeof item === "object" ? this.compositeCost(selected.named!, selected.below, item as Record<string, unknown>) : 0;
    if (selected.list && Array.isArray(value)) {
      let cost = selected.perItem ? 0 : 1;
      for (const item of value) cost += (selected.perItem ? 1 : 0) + itemCost(item);
      return cost;
    }
    return 1 + itemCost(value);
  }

  /**
   * The cost of an object of a composite type: of its concrete type when it is one, else of the possible types whose
   * selected fields hold every key of the object (the most costly of them, as the estimate takes).
   */
  private compositeCost(type: GraphQLCompositeType, selectionSets: readonly SelectionSetNode[], value: Record<string, unknown>): number {
    if (isObjectType(type)) return this.objectCost(type, selectionSets, value);
    const keys = Object.keys(value);
    let most = 0;
    for (const candidate of this.schema.getPossibleTypes(type)) {
      const selected = new Set(this.plan(candidate, selectionSets).map((s) => s.key));
      if (keys.every((key) => selected.has(key))) most = Math.max(most, this.objectCost(candidate, selectionSets, value));
    }
    return most;
  }

  /** The fields selected on an object of `type`, by response key, fragments expanded (graphql-js's CollectFields, directives aside). */
  private plan(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): Selected[] {
    let byType = this.plans.get(selectionSets);
    if (!byType) this.plans.set(selectionSets, (byType = new Map()));
    const known = byType.get(type.name);
    if (known) return known;
    const root = type === this.schema.getQueryType() || type === this.schema.getMutationType();
    const fields = new Map<string, Selected>();
    const visited = new Set<string>();
    const visit = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          let selected = fields.get(key);
          if (!selected) {
            const field = fieldOf(type, selection.name.value, root);
            if (!field) continue;
            const named = getNamedType(field.type);
            selected = {
              key,
              field,
              computed: costOfComputedField(`${type.name}.${field.name}`),
              leaf: isLeafType(named),
              list: isListType(getNullableType(field.type)),
              perItem: type.name.endsWith("Connection") && (field.name === "edges" || field.name === "nodes"),
              below: [],
              named: isLeafType(named) ? null : (named as GraphQLCompositeType),
            };
            fields.set(key, selected);
          }
          if (selection.selectionSet) selected.below.push(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (this.applies(selection.typeCondition?.name.value, type)) visit(selection.selectionSet);
        } else if (!visited.has(selection.name.value)) {
          visited.add(selection.name.value);
          const fragment = this.fragments.get(selection.name.value);
          if (fragment && this.applies(fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
        }
      }
    };
    for (const selectionSet of selectionSets) visit(selectionSet);
    const plan = [...fields.values()];
    byType.set(type.name, plan);
    return plan;
  }

  /** Whether a fragment with this type condition applies to an object of `type`. */
  private applies(condition: string | undefined, type: GraphQLObjectType): boolean {
    if (condition === undefined || condition === type.name) return true;
    const named = this.schema.getType(condition);
    return named !== undefined && isAbstractType(named) && this.schema.isSubType(named, type);
  }
}

function fieldOf(type: GraphQLObjectType, name: string, root: boolean): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (root && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (root && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return type.getFields()[name];
}

const lengthOf = (value: unknown): number => (Array.isArray(value) ? value.length : 0);
