// @ts-check
/**
 * GraphQL Code Generator plugin: the trusted-documents manifest, `{ "<sha256 hex>": "<document>" }`, one entry per
 * named operation of the documents. The document is `print()` of the operation alone: exactly the text that
 * graphql-request sends for the typed document of the same operation, so a client hashing what it would send gets
 * the manifest's key (Apollo's persisted query protocol, extensions.persistedQuery.sha256Hash).
 * Plain JavaScript because codegen cannot load TypeScript plugins (STACK, "codegen").
 */
const { createHash } = require("node:crypto");
const { Kind, print, visit } = require("graphql");

/** @type {import("@graphql-codegen/plugin-helpers").PluginFunction} */
function plugin(_schema, documents) {
  /** @type {Record<string, string>} */
  const manifest = {};
  const names = new Set();
  for (const { document, location } of documents) {
    if (!document) continue;
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) {
        throw new Error(`${location}: only operations are supported in trusted documents (no fragments), found ${definition.kind}`);
      }
      if (!definition.name) throw new Error(`${location}: every trusted operation needs a name`);
      if (names.has(definition.name.value)) throw new Error(`${location}: the operation name ${definition.name.value} is used twice`);
      names.add(definition.name.value);
      visit(definition, {
        FragmentSpread() {
          throw new Error(`${location}: ${definition.name?.value} spreads a fragment; trusted documents are single operations`);
        },
      });
      const text = print({ kind: Kind.DOCUMENT, definitions: [definition] });
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
