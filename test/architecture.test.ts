import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import ts from "typescript";

const root = join(__dirname, "..");

interface Case {
  code: string;
  filePath: string;
}

/**
 * Lints each `code` as if it were the file at `filePath`, with ESLint's Node API and the project's eslint.config.mjs,
 * and keeps the layer rule's errors. In a node process of its own: ESLint loads its config with a dynamic import,
 * which Jest's module sandbox refuses.
 */
function layerErrors(cases: Case[]): string[][] {
  const script = `
    const { ESLint } = require("eslint");
    const eslint = new ESLint({ cwd: process.cwd() });
    const cases = JSON.parse(process.argv[1]);
    Promise.all(cases.map(({ code, filePath }) => eslint.lintText(code, { filePath })))
      .then((results) => results.map(([result]) => result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message)))
      .then((errors) => process.stdout.write(JSON.stringify(errors)));`;
  const absolute = cases.map(({ code, filePath }) => ({ code, filePath: join(root, filePath) }));
  return JSON.parse(
    execFileSync(process.execPath, ["-e", script, JSON.stringify(absolute)], { cwd: root, encoding: "utf8" }),
  ) as string[][];
}

describe("the layer rules", () => {
  const cases = {
    domainImportsContext: {
      code: 'import type { Context } from "../context";\nexport type Seen = Context;\n',
      filePath: "src/domain/x.ts",
    },
    kernelImportsReadType: {
      code: 'import type { Loaders } from "../read/loaders";\nexport type Seen = Loaders;\n',
      filePath: "src/i18n/x.ts",
    },
    kernelImportsEntities: {
      code: 'import { entities } from "../domain/entities";\nexport const seen = entities;\n',
      filePath: "src/i18n/x.ts",
    },
    accessImportsAction: {
      code: 'import { runAction } from "../management/action";\nexport const seen = runAction;\n',
      filePath: "src/access/x.ts",
    },
    domainImportsBelow: {
      code: 'import { languages } from "./states";\nimport { message } from "../i18n/messages";\nexport const seen = [languages, message];\n',
      filePath: "src/domain/x.ts",
    },
    actionImportsBelow: {
      code: 'import { createLoaders } from "../read/loaders";\nimport { decide } from "../access/decision";\nexport const seen = [createLoaders, decide];\n',
      filePath: "src/management/x.ts",
    },
  };
  let errors: Record<keyof typeof cases, string[]>;
  beforeAll(() => {
    const names = Object.keys(cases) as (keyof typeof cases)[];
    const found = layerErrors(names.map((name) => cases[name]));
    errors = Object.fromEntries(names.map((name, index) => [name, found[index]])) as typeof errors;
  }, 60_000);

  it("refuse an import of the GraphQL context from the domain", () => {
    expect(errors.domainImportsContext).toEqual([expect.stringContaining("A file of the domain may not import a floor above it")]);
  });

  it("refuse an import that runs up, type-only or not", () => {
    expect(errors.kernelImportsReadType).toHaveLength(1);
    expect(errors.kernelImportsEntities).toHaveLength(1);
    expect(errors.accessImportsAction).toHaveLength(1);
  });

  it("let a file import its own floor and the floors below it", () => {
    expect(errors.domainImportsBelow).toEqual([]);
    expect(errors.actionImportsBelow).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [relative(root, path).split("\\").join("/")] : [];
  });
}

/** Every file of src/ with the files of src/ it imports (type-only imports and re-exports included). */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles(join(root, "src"));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => posix.normalize(posix.join(dirname(file), specifier)))
      .map((base) => [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => known.has(candidate)))
      .filter((target): target is string => target !== undefined);
    graph.set(file, targets);
  }
  return graph;
}

/** The first import cycle found by a depth-first walk, as the files around it, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): string[] | null => {
    if (onPath.has(file)) return [...path.slice(path.indexOf(file)), file];
    if (done.has(file)) return null;
    path.push(file);
    onPath.add(file);
    for (const target of graph.get(file) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(file);
    done.add(file);
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

describe("the import graph of src", () => {
  it("has no cycle", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(findCycle(graph)?.join(" -> ") ?? "no cycle").toBe("no cycle");
  });

  it("finds a cycle where there is one", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
    ]);
    expect(findCycle(graph)).toEqual(["a.ts", "b.ts", "c.ts", "a.ts"]);
  });
});
