import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, top to bottom (docs/architecture.md draws them). A file may import from its own floor and the
 * floors below it, never from a floor above: each floor's rule below names, as paths under src/, what lies above it.
 */
const vocabulary = ["domain/states", "domain/roles", "domain/decision-reasons", "domain/catalog-data"];
const graphqlInManagement = ["src/management/mutation.resolver.ts", "src/management/mutation.inputs.ts"];
const floors = [
  {
    name: "entry points",
    files: ["src/main.ts", "src/server.ts", "src/cluster.ts", "src/cli/**/*.ts"],
    holds: ["main", "server", "cluster", "cli"],
  },
  { name: "transports", files: ["src/http/**/*.ts", "src/config.ts"], holds: ["http", "config"] },
  {
    name: "the GraphQL surface",
    files: ["src/graphql/**/*.ts", "src/live/**/*.ts", "src/context.ts", ...graphqlInManagement],
    holds: ["graphql", "live", "context", "management/mutation\\.resolver", "management/mutation\\.inputs"],
  },
  {
    name: "the actions",
    files: ["src/management/**/*.ts", "src/register/**/*.ts", "src/identity/**/*.ts"],
    ignores: graphqlInManagement,
    holds: ["management", "register", "identity"],
  },
  { name: "access", files: ["src/access/**/*.ts"], holds: ["access"] },
  { name: "the read side", files: ["src/read/**/*.ts"], holds: ["read"] },
  { name: "the database", files: ["src/database/**/*.ts"], holds: ["database"] },
  { name: "the audit chain", files: ["src/audit/**/*.ts"], holds: ["audit"] },
  {
    name: "the domain",
    files: ["src/domain/**/*.ts"],
    ignores: vocabulary.map((name) => `src/${name}.ts`),
    holds: [`domain/(?!(${vocabulary.map((name) => name.slice("domain/".length)).join("|")})$)[^/]+`],
  },
  {
    name: "the shared kernel",
    files: [
      "src/i18n/**/*.ts",
      "src/errors.ts",
      "src/clock.ts",
      "src/logger.ts",
      "src/redis.ts",
      "src/observe/**/*.ts",
      ...vocabulary.map((name) => `src/${name}.ts`),
    ],
    holds: [],
  },
];

/** A relative import of one of `paths` (under src/), from a file at any depth of src/. */
const importOf = (paths) => `^(\\./|(\\.\\./)+)(${paths.join("|")})(/|$)`;

const layerRules = floors.slice(1).map((floor, index) => {
  const above = floors.slice(0, index + 1).flatMap(({ holds }) => holds);
  const extra = [];
  // Inside src/management the GraphQL files are neighbours by path: name them as the actions would import them.
  if (floor.name === "the actions")
    extra.push({
      regex: "^\\./mutation\\.(resolver|inputs)$",
      message: "The actions may not import the mutation resolver or its inputs (the GraphQL surface, above them).",
    });
  return {
    files: floor.files,
    ...(floor.ignores ? { ignores: floor.ignores } : {}),
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: importOf(above), message: `A file of ${floor.name} may not import a floor above it (docs/architecture.md).` },
            ...extra,
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "src/client/generated/**", "data/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  ...layerRules,
  // The vocabulary is the ground floor: the names everything shares, importing nothing of the project but each other.
  {
    files: vocabulary.map((name) => `src/${name}.ts`),
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(\\.\\./|\\./(?!(${vocabulary.map((name) => name.slice("domain/".length)).join("|")})$))`,
              message: "The domain's vocabulary imports nothing of the project but itself.",
            },
          ],
        },
      ],
    },
  },
  // The client library is published on its own: it imports nothing of the gateway.
  {
    files: ["src/client/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^\\.\\./", message: "The client library imports nothing of the gateway." }] },
      ],
    },
  },
);
