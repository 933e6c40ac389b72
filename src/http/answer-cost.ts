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
  type GraphQLAbstractType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { costOfComputedField, pageItemLists } from "./document-limits";

/** A field selected on objects of one type that may cost something (leaves cost nothing and are left out). */
interface Selected {
  key: string;
  /** What it costs whatever it selects (`myTasks`, `rateLimit`), when it is such a field. */
  computed: number | undefined;
  list: boolean;
  /** The edges or nodes of a connection: each item counts 1 under its connection. */
  perItem: boolean;
  /** The selection sets of the field, merged over every place it is selected (fragments included). */
  below: SelectionSetNode[];
  named: GraphQLCompositeType | null;
  /** For an object type, what is selected on its objects, planned once for every object of the answer. */
  plan?: Plan;
}

/** What is selected on the objects of one type read with given selection sets. */
interface Plan {
  /** A connection's parts other than its items (pageInfo) count once per item of its page, as its estimate does. */
  connection: boolean;
  fields: Selected[];
}

/**
 * The actual cost of an answer: the units of the requested cost (src/http/document-limits.ts, `costEstimator`) counted
 * over what execution really returned. Every object or list field in the answer costs 1, `myTasks` its tasks, a leaf
 * nothing; a list counts each item it returned instead of its `first` or assumed length, and a connection the items
 * of its page (its `pageInfo` once per item, as its estimate counts it). So for the same document, where no list ran
 * longer than its estimate, the actual cost is at most the requested one; an unpaginated list longer than its
 * assumed 10 items (or introspection's) counts its real length. The walk plans each selection once, so an answer of
 * 1,000 rows costs one visit per object of it.
 */
export function answerCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  data: Record<string, unknown> | null | undefined,
): number {
  const root = schema.getRootType(operation.operation);
  if (!data || !root) return 0;
  let walks = walksBySchema.get(schema);
  if (!walks) walksBySchema.set(schema, (walks = new WeakMap()));
  let walk = walks.get(document);
  if (!walk) walks.set(document, (walk = new AnswerWalk(schema, document)));
  return walk.objectCost(walk.rootPlan(root, operation), data);
}

/**
 * The walks by schema and parsed document, kept as long as the document is (Apollo's document cache hands the same
 * parsed document back for the same text, and a trusted document is parsed once): a document's plans are made on its
 * first answer and reused by every later one, which then only walks its data.
 */
const walksBySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, AnswerWalk>>();

class AnswerWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /** The plans of abstract types' objects, by the selection sets they are read with and the concrete type, with every key they select. */
  private readonly plans = new Map<readonly SelectionSetNode[], Map<string, { plan: Plan; keys: Set<string> }>>();

  /** The plan of each operation's root selection. */
  private readonly roots = new Map<OperationDefinitionNode, Plan>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
  ) {
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
  }

  rootPlan(root: GraphQLObjectType, operation: OperationDefinitionNode): Plan {
    let plan = this.roots.get(operation);
    if (!plan) this.roots.set(operation, (plan = this.plan(root, [operation.selectionSet])));
    return plan;
  }

  /**
   * The cost of the fields of one object of the answer. Only the keys the answer holds count: a field skipped by
   * `@skip`/`@include`, or of a fragment that did not apply, is not there (graphql-js writes null, never undefined).
   */
  objectCost(plan: Plan, value: Record<string, unknown>): number {
    const items = plan.connection ? Math.max(lengthOf(value.edges), lengthOf(value.nodes)) : 1;
    let cost = 0;
    for (const selected of plan.fields) {
      const field = value[selected.key];
      if (field === undefined) continue;
      const fieldCost = this.valueCost(selected, field);
      cost += selected.perItem ? fieldCost : fieldCost * items;
    }
    return cost;
  }

  private valueCost(selected: Selected, value: unknown): number {
    if (selected.computed !== undefined) return value === null ? 0 : selected.computed;
    if (selected.list && Array.isArray(value)) {
      let cost = selected.perItem ? value.length : 1;
      for (const item of value) cost += this.itemCost(selected, item);
      return cost;
    }
    return 1 + this.itemCost(selected, value);
  }

  private itemCost(selected: Selected, item: unknown): number {
    if (item === null || typeof item !== "object") return 0;
    const named = selected.named!;
    if (isObjectType(named)) return this.objectCost((selected.plan ??= this.plan(named, selected.below)), item as Record<string, unknown>);
    return this.abstractCost(named, selected.below, item as Record<string, unknown>);
  }

  /**
   * An object of an interface or union: the cost of the possible types whose selected fields hold every key of the
   * object (the most costly of them, as the estimate takes).
   */
  private abstractCost(type: GraphQLAbstractType, selectionSets: readonly SelectionSetNode[], value: Record<string, unknown>): number {
    const keys = Object.keys(value);
    let most = 0;
    let byType = this.plans.get(selectionSets);
    if (!byType) this.plans.set(selectionSets, (byType = new Map()));
    for (const candidate of this.schema.getPossibleTypes(type)) {
      let planned = byType.get(candidate.name);
      if (!planned)
        byType.set(
          candidate.name,
          (planned = { plan: this.plan(candidate, selectionSets), keys: this.selectedKeys(candidate, selectionSets) }),
        );
      const { plan, keys: selected } = planned;
      if (keys.every((key) => selected.has(key))) most = Math.max(most, this.objectCost(plan, value));
    }
    return most;
  }

  /** Every response key selected on objects of `type`, leaves included. */
  private selectedKeys(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): Set<string> {
    const keys = new Set<string>();
    this.collect(type, selectionSets, (selection) => keys.add(selection.alias?.value ?? selection.name.value));
    return keys;
  }

  /** What is selected on an object of `type`, by response key, fragments expanded (graphql-js's CollectFields, directives aside). */
  plan(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): Plan {
    const root = type === this.schema.getQueryType() || type === this.schema.getMutationType();
    const fields = new Map<string, Selected | null>();
    this.collect(type, selectionSets, (selection) => {
      const key = selection.alias?.value ?? selection.name.value;
      let selected = fields.get(key);
      if (selected === undefined) {
        const field = fieldOf(type, selection.name.value, root);
        const computed = field ? costOfComputedField(`${type.name}.${field.name}`) : undefined;
        const named = field ? getNamedType(field.type) : undefined;
        // Leaves cost nothing (unless computed): left out of the plan, as an unknown field is.
        selected =
          !field || !named || (isLeafType(named) && computed === undefined)
            ? null
            : {
                key,
                computed,
                list: isListType(getNullableType(field.type)),
                perItem:
                  (type.name.endsWith("Connection") && (field.name === "edges" || field.name === "nodes")) ||
                  pageItemLists.has(`${type.name}.${field.name}`),
                below: [],
                named: isLeafType(named) ? null : (named as GraphQLCompositeType),
              };
        fields.set(key, selected);
      }
      if (selected && selection.selectionSet) selected.below.push(selection.selectionSet);
    });
    return {
      connection: type.name.endsWith("Connection"),
      fields: [...fields.values()].filter((selected): selected is Selected => selected !== null),
    };
  }

  /** Calls `each` with every field selected on an object of `type`, through the fragments that apply to it. */
  private collect(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], each: (selection: FieldNode) => void): void {
    const visited = new Set<string>();
    const visit = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) each(selection);
        else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (this.applies(selection.typeCondition?.name.value, type)) visit(selection.selectionSet);
        } else if (!visited.has(selection.name.value)) {
          visited.add(selection.name.value);
          const fragment = this.fragments.get(selection.name.value);
          if (fragment && this.applies(fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
        }
      }
    };
    for (const selectionSet of selectionSets) visit(selectionSet);
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
