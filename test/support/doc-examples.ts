import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * The request/answer examples of the documentation, read from the Markdown as Rust reads its doctests. An example is
 * an HTML comment, invisible on the rendered page, right before its request block:
 *
 *     <!-- example: as=85073003328 lang=en at=2026-12-06T09:00:00Z status=200 -->
 *     ```graphql            (or ```sh with one curl command)
 *     ```json variables     (optional, after a graphql block: its variables)
 *     ```json               (the expected answer, right after)
 *
 * with only blank lines between the comment and the blocks. A block that is shown but not run is excused by
 * `<!-- not-run: why -->` right before it. A `json` or `graphql` block, or an `sh` block that runs curl, that is neither
 * is a problem, so that no new example escapes the test. `<!-- examples: after=README.md -->` anywhere in a file makes
 * its examples continue the story of another file's (run first, in the same database).
 */

export interface FencedBlock {
  /** The file, relative to the repository's root. */
  file: string;
  /** The line of the opening fence, counted from 1. */
  line: number;
  /** The first word of the info string, lower-cased: `json`, `graphql`, `sh`, ... (empty without one). */
  language: string;
  /** The rest of the info string (`variables` for a graphql example's variables). */
  info: string;
  text: string;
}

export type ExampleRequest = { kind: "graphql"; block: FencedBlock; variables: FencedBlock | null } | { kind: "curl"; block: FencedBlock };

export interface DocExample {
  file: string;
  /** The line of the `<!-- example: ... -->` comment. */
  line: number;
  /** Whose token a graphql request carries: an SSIN (a development token, as `npm run token -- SSIN` signs it) or `anonymous`. */
  as: string | null;
  /** Accept-Language of a graphql request. */
  language: string | null;
  /** The gateway's "now" from this example on (it never moves back). */
  at: Date | null;
  /** The HTTP status the answer must have, when the example says. */
  status: number | null;
  request: ExampleRequest;
  answer: FencedBlock;
}

export interface DocFile {
  file: string;
  /** The file whose examples run first, in the same database (`<!-- examples: after=... -->`). */
  after: string | null;
  examples: DocExample[];
  /** Every block that is run or excused, by line, and why a block that is neither is a problem. */
  problems: string[];
}

/** The Markdown files whose examples run: README.md, CONTRIBUTING.md and docs/*.md. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join("docs", name));
  return ["README.md", "CONTRIBUTING.md", ...docs];
}

export function readDocFile(root: string, file: string): DocFile {
  return parseDocFile(relative(root, join(root, file)), readFileSync(join(root, file), "utf8"));
}

type Item =
  { kind: "block"; block: FencedBlock } | { kind: "comment"; line: number; name: string; body: string } | { kind: "prose"; line: number };

const fenceOpening = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/;
const annotation = /^\s*<!--\s*(examples|example|not-run)(?![\w-])\s*:?(.*?)-->\s*$/;

/** The file's fenced blocks, annotation comments and prose lines, in order; blank lines are left out. */
function items(file: string, text: string): Item[] {
  const lines = text.split("\n");
  const result: Item[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fenceOpening.exec(lines[i]);
    if (open) {
      const [, indent, fence, language, info] = open;
      const body: string[] = [];
      let j = i + 1;
      const closing = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
      while (j < lines.length && !closing.test(lines[j])) {
        body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
        j++;
      }
      result.push({
        kind: "block",
        block: { file, line: i + 1, language: language.toLowerCase(), info: info.trim(), text: body.join("\n") },
      });
      i = j;
      continue;
    }
    const comment = annotation.exec(lines[i]);
    if (comment) result.push({ kind: "comment", line: i + 1, name: comment[1], body: comment[2].trim() });
    else if (/^\s*<!--\s*(example|not-run)/.test(lines[i]))
      result.push({ kind: "comment", line: i + 1, name: "malformed", body: "an annotation is one line: <!-- example: ... -->" });
    else if (lines[i].trim() !== "") result.push({ kind: "prose", line: i + 1 });
  }
  return result;
}

/** A block the harness must run or see excused: JSON, GraphQL, or a shell block that runs curl. */
function mustBeRun(block: FencedBlock): boolean {
  if (["json", "jsonc", "graphql", "gql"].includes(block.language)) return true;
  return ["sh", "bash", "shell", "console", ""].includes(block.language) && /(^|[\s;&|(])curl\s/m.test(block.text);
}

const isCurl = (block: FencedBlock) => ["sh", "bash", "shell"].includes(block.language) && /(^|[\s;&|(])curl\s/m.test(block.text);

function attributes(body: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const word of body.split(/\s+/).filter(Boolean)) {
    const equals = word.indexOf("=");
    result.set(equals < 0 ? word : word.slice(0, equals), equals < 0 ? "" : word.slice(equals + 1));
  }
  return result;
}

export function parseDocFile(file: string, text: string): DocFile {
  const all = items(file, text);
  const problems: string[] = [];
  const examples: DocExample[] = [];
  let after: string | null = null;
  const at = (line: number) => `${file}:${line}`;
  for (let i = 0; i < all.length; i++) {
    const item = all[i];
    if (item.kind === "prose") continue;
    if (item.kind === "block") {
      if (mustBeRun(item.block))
        problems.push(
          `${at(item.block.line)}: a \`${item.block.language || "sh"}\` block is neither run nor excused: put <!-- example: ... --> ` +
            `before a request and its answer, or <!-- not-run: why --> before an illustration`,
        );
      continue;
    }
    if (item.name === "malformed") {
      problems.push(`${at(item.line)}: ${item.body}`);
      continue;
    }
    if (item.name === "examples") {
      const attrs = attributes(item.body);
      for (const key of attrs.keys())
        if (key !== "after") problems.push(`${at(item.line)}: unknown setting "${key}" (examples: after=FILE)`);
      after = attrs.get("after") || null;
      continue;
    }
    const next = all[i + 1];
    if (item.name === "not-run") {
      if (!item.body) problems.push(`${at(item.line)}: <!-- not-run: why --> needs its reason`);
      if (next?.kind !== "block") problems.push(`${at(item.line)}: <!-- not-run --> must come right before the block it excuses`);
      else i++;
      continue;
    }
    const parsed = readExample(item.line, item.body, all.slice(i + 1), at);
    if (typeof parsed === "string") {
      // The blocks that were meant to be the example are reported once, as its problem.
      problems.push(parsed);
      while (all[i + 1]?.kind === "block") i++;
    } else {
      examples.push(parsed.example);
      i += parsed.blocks;
    }
  }
  return { file, after, examples, problems };
}

const exampleKeys = ["as", "lang", "at", "status"];

/** The example whose comment is at `line`, from the items after it; or why it is not one. */
function readExample(
  line: number,
  body: string,
  following: Item[],
  at: (line: number) => string,
): { example: DocExample; blocks: number } | string {
  const attrs = attributes(body);
  for (const key of attrs.keys())
    if (!exampleKeys.includes(key)) return `${at(line)}: unknown setting "${key}" (example: ${exampleKeys.map((k) => `${k}=`).join(" ")})`;
  const blocks: FencedBlock[] = [];
  for (const item of following) {
    if (item.kind !== "block") break;
    blocks.push(item.block);
  }
  const [request, second, third] = blocks;
  if (!request) return `${at(line)}: <!-- example --> must come right before its request block (only blank lines between)`;
  let kind: ExampleRequest;
  let answer = second;
  if (request.language === "graphql" || request.language === "gql") {
    const variables = second?.language === "json" && second.info === "variables" ? second : null;
    if (variables) answer = third;
    kind = { kind: "graphql", block: request, variables };
  } else if (isCurl(request)) kind = { kind: "curl", block: request };
  else
    return `${at(request.line)}: an example's request is a \`graphql\` block or an \`sh\` block with one curl command, not \`${request.language}\``;
  if (!answer || answer.language !== "json" || answer.info !== "")
    return `${at(line)}: the example's request must be followed by its expected answer, a \`json\` block (only blank lines between)`;
  const as = attrs.get("as") ?? null;
  if (kind.kind === "graphql" && !as) return `${at(line)}: a graphql example says whose token it carries: as=SSIN or as=anonymous`;
  if (kind.kind === "curl" && (as !== null || attrs.has("lang")))
    return `${at(line)}: a curl example carries its own headers: write them with -H, not as=/lang=`;
  if (as !== null && as !== "anonymous" && !/^\d{11}$/.test(as)) return `${at(line)}: as= is an SSIN (11 digits) or anonymous, not "${as}"`;
  const instant = attrs.get("at");
  if (instant !== undefined && (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(instant) || isNaN(Date.parse(instant))))
    return `${at(line)}: at= is an instant in UTC, like 2026-12-06T09:00:00Z, not "${instant}"`;
  const status = attrs.get("status");
  if (status !== undefined && !/^\d{3}$/.test(status)) return `${at(line)}: status= is an HTTP status, not "${status}"`;
  return {
    example: {
      file: request.file,
      line,
      as,
      language: attrs.get("lang") ?? null,
      at: instant === undefined ? null : new Date(instant),
      status: status === undefined ? null : Number(status),
      request: kind,
      answer,
    },
    blocks: kind.kind === "graphql" && kind.variables ? 3 : 2,
  };
}
