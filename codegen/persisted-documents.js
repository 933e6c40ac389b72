// @ts-check
/**
 * GraphQL Code Generator plugin: the trusted-documents manifest, `{ "<sha256 hex>": "<document>" }`, one entry per
 * named operation of the documents. The document is `print()` of the operation followed by the fragments it spreads:
 * exactly the text that graphql-request sends for the typed document of the same operation, so a client hashing what it would send gets
 * the manifest's key (Apollo's persisted query protocol, extensions.persistedQuery.sha256Hash).
 * Plain JavaScript because codegen cannot load TypeScript plugins (STACK, "codegen").
 */
const { createHash } = require("node:crypto");
const { Kind, print, visit } = require("graphql");

/**
 * The fragments an operation needs, transitively, in the order they are first spread: the document is the operation
 * followed by them, as graphql-codegen's typed documents hold them.
 * @param {import("graphql").OperationDefinitionNode} operation
 * @param {Map<string, import("graphql").FragmentDefinitionNode>} fragments
 * @param {string} location
 */
function fragmentsOf(operation, fragments, location) {
  /** @type {import("graphql").FragmentDefinitionNode[]} */
  const needed = [];
  const seen = new Set();
  /** @param {import("graphql").ASTNode} node */
  const collect = (node) =>
    visit(node, {
      FragmentSpread({ name }) {
        if (seen.has(name.value)) return;
        const fragment = fragments.get(name.value);
        if (!fragment) throw new Error(`${location}: ${operation.name?.value} spreads the unknown fragment ${name.value}`);
        seen.add(name.value);
        needed.push(fragment);
        collect(fragment);
      },
    });
  collect(operation);
  return needed;
}

/** @type {import("@graphql-codegen/plugin-helpers").PluginFunction} */
function plugin(_schema, documents) {
  /** @type {Map<string, import("graphql").FragmentDefinitionNode>} */
  const fragments = new Map();
  for (const { document, location } of documents) {
    for (const definition of document?.definitions ?? []) {
      if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
      if (fragments.has(definition.name.value)) throw new Error(`${location}: the fragment name ${definition.name.value} is used twice`);
      fragments.set(definition.name.value, definition);
    }
  }
  /** @type {Record<string, string>} */
  const manifest = {};
  const names = new Set();
  for (const { document, location } of documents) {
    if (!document) continue;
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) continue;
      if (definition.kind !== Kind.OPERATION_DEFINITION)
        throw new Error(`${location}: trusted documents hold operations and fragments, found ${definition.kind}`);
      if (!definition.name) throw new Error(`${location}: every trusted operation needs a name`);
      if (names.has(definition.name.value)) throw new Error(`${location}: the operation name ${definition.name.value} is used twice`);
      names.add(definition.name.value);
      const text = print({ kind: Kind.DOCUMENT, definitions: [definition, ...fragmentsOf(definition, fragments, String(location))] });
      manifest[createHash("sha256").update(text).digest("hex")] = text;
    }
  }
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** @type {import("@graphql-codegen/plugin-helpers").PluginValidateFn} */
async function validate(_schema, _documents, _config, outputFile) {
  if (!outputFile.endsWith(".json")) throw new Error("persisted-documents writes a .json manifest");
}

module.exports = { plugin, validate };
