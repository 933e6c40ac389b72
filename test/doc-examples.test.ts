import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { ManualClock } from "../src/clock";
import { applyDueAccessReviews } from "../src/management/sweep-expired-rights";
import { demoLegalRepresentative, loadDemoRegister } from "../src/register/demo-data";
import { readCurlScript, type HttpRequest } from "./support/curl";
import { describeEachDatabase, type DialectName } from "./support/databases";
import { documentationFiles, parseDocFile, readDocFile, type DocExample, type DocFile } from "./support/doc-examples";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { differences } from "./support/json-match";

/**
 * Doctests for the documentation: every request/answer example of README.md, CONTRIBUTING.md and docs/*.md is sent to
 * a real gateway over HTTP and its answer compared with the documented one (test/support/json-match.ts says how), so
 * that no example can drift from what the gateway answers. Each file is a story on a database of its own, as a reader
 * following the page would run it on a fresh `npm start`: the demo register loaded, `$TOKEN` the token `npm start`
 * prints, the examples in order, each one seeing the earlier ones' writes. The gateway's clock stands at `storyStart`
 * until an example moves it on (`at=`), so that dated examples (`validUntil`, `asOf`) stay true whatever the day.
 */

const root = join(__dirname, "..");
const docs = documentationFiles(root).map((file) => readDocFile(root, file));
const docsByFile = new Map(docs.map((doc) => [doc.file, doc]));

/** When every story starts: the demo register is loaded then, and an example without `at=` runs at the latest instant set. */
const storyStart = new Date("2026-03-02T08:00:00.000Z");

interface Answer {
  status: number;
  text: string;
}

/** One file's story: a gateway on its own database, its clock, and the shell variables its curl examples set. */
interface Story {
  gateway: TestGateway;
  clock: ManualClock;
  variables: Map<string, string>;
}

async function startStory(dialect: DialectName): Promise<Story> {
  const clock = new ManualClock(storyStart);
  // The settings of a development `npm start`, but on a port of its own and a scratch database.
  const gateway = await startTestGateway(dialect, { RATE_LIMIT: "on" }, { clock });
  await loadDemoRegister({ dataSource: gateway.dataSource, clock });
  // The token npm start prints: the demo legal representative's, with their names.
  const { ssin, givenName, familyName } = demoLegalRepresentative;
  const printed = await gateway.token(ssin, { givenName, familyName });
  return { gateway, clock, variables: new Map([["TOKEN", printed]]) };
}

function send(url: string, { method, path, headers, body }: HttpRequest): Promise<Answer> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(target, {
      method,
      headers: { ...headers, ...(body === null ? {} : { "content-length": Buffer.byteLength(body) }) },
    });
    request.on("error", reject);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.end(body ?? undefined);
  });
}

/** What the example sends: a curl command as the shell would run it, a graphql block as the playground sends it. */
async function requestOf(example: DocExample, story: Story): Promise<HttpRequest> {
  const { request } = example;
  if (request.kind === "curl") {
    try {
      return await readCurlScript(request.block.text, {
        variables: story.variables,
        token: (ssin, names) => story.gateway.token(ssin, names),
      });
    } catch (error) {
      throw new Error(`${example.file}:${request.block.line}: ${(error as Error).message}`);
    }
  }
  let variables: unknown;
  if (request.variables) {
    try {
      variables = JSON.parse(request.variables.text);
    } catch (error) {
      throw new Error(`${example.file}:${request.variables.line}: the variables are not JSON: ${(error as Error).message}`);
    }
  }
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, multipart/mixed" };
  if (example.as !== "anonymous") headers.authorization = `Bearer ${await story.gateway.token(example.as!)}`;
  if (example.language) headers["accept-language"] = example.language;
  return { method: "POST", path: "/graphql", headers, body: JSON.stringify({ query: request.block.text, variables }) };
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Every answer carries `extensions.cost` (docs/clients.md, "Cost and budget"): an example compares it only where it
 * shows it, so that an example about something else need not repeat what its answer cost.
 */
function withoutUnshownCost(expected: unknown, actual: unknown): unknown {
  if (!isRecord(expected) || !isRecord(actual) || !isRecord(actual.extensions)) return actual;
  if (isRecord(expected.extensions) && "cost" in expected.extensions) return actual;
  const { cost: _cost, ...extensions } = actual.extensions;
  const { extensions: _extensions, ...rest } = actual;
  return Object.keys(extensions).length > 0 ? { ...rest, extensions } : rest;
}

/** Runs one example and throws, naming the file and lines, when its answer is not the documented one. */
async function runExample(example: DocExample, story: Story): Promise<void> {
  const where = `${example.file}:${example.line}`;
  if (example.at) {
    if (example.at < story.clock.now())
      throw new Error(
        `${where}: at=${example.at.toISOString()} is before ${story.clock.now().toISOString()}: a story's clock never moves back`,
      );
    story.clock.set(example.at);
    // What the gateway's sweep would have done by then (off in tests): the access reviews due complete. Only those: the
    // other expiries are written down by the first action that meets them, as the examples show.
    await applyDueAccessReviews({ dataSource: story.gateway.dataSource, clock: story.clock });
  }
  let expected: unknown;
  try {
    expected = JSON.parse(example.answer.text);
  } catch (error) {
    throw new Error(`${example.file}:${example.answer.line}: the documented answer is not JSON: ${(error as Error).message}`);
  }
  const answer = await send(story.gateway.url, await requestOf(example, story));
  let actual: unknown;
  try {
    actual = JSON.parse(answer.text);
  } catch {
    throw new Error(`${where}: the gateway answered ${answer.status} with a body that is not JSON:\n${answer.text.slice(0, 2000)}`);
  }
  const compared = withoutUnshownCost(expected, actual);
  const problems = differences(expected, compared);
  if (example.status !== null && example.status !== answer.status)
    problems.unshift(`the HTTP status: expected ${example.status} (status=), got ${answer.status}`);
  if (problems.length > 0)
    throw new Error(
      `${example.file}:${example.answer.line}: the answer to the example at ${where} is not the documented one:\n` +
        problems
          .slice(0, 20)
          .map((p) => `  ${p}`)
          .join("\n") +
        (problems.length > 20 ? `\n  … and ${problems.length - 20} more` : "") +
        `\nThe gateway's answer (status ${answer.status}), to copy into the doc if it is the right one:\n${JSON.stringify(compared)}`,
    );
}

/** The examples a file's story continues (`<!-- examples: after=FILE -->`, and what that file continues), in order. */
function earlierExamples(doc: DocFile, seen: string[] = [doc.file]): DocExample[] {
  if (!doc.after) return [];
  const earlier = docsByFile.get(doc.after);
  if (!earlier) return [];
  if (seen.includes(earlier.file)) throw new Error(`${doc.file}: after=${doc.after} makes a loop: ${[...seen, earlier.file].join(" → ")}`);
  return [...earlierExamples(earlier, [...seen, earlier.file]), ...earlier.examples];
}

/** "README.md:47 curl appointMainAccessManager": where, how and the first field it asks. */
const title = (example: DocExample) => {
  const text = example.request.block.text;
  const document = example.request.kind === "curl" ? text.slice(Math.max(0, text.indexOf('"query"'))) : text;
  const field = /\{\s*(\w+)/.exec(document.slice(document.search(/\b(query|mutation|subscription)\b|\{/)))?.[1] ?? "";
  const who = example.as ? ` as ${example.as}` : "";
  return `${example.file}:${example.line} ${example.request.kind}${who} ${field}`.trimEnd();
};

describe("the documentation's examples", () => {
  it("are each run by this test or excused: no json, graphql or curl block is left unchecked", () => {
    const problems = docs.flatMap((doc) => doc.problems);
    if (problems.length > 0) throw new Error(`Documentation blocks to annotate:\n${problems.join("\n")}`);
    expect(docs.reduce((n, doc) => n + doc.examples.length, 0)).toBeGreaterThan(0);
  });

  it("continue only the stories of files that have examples, without a loop", () => {
    const dangling = docs
      .filter((doc) => doc.after && !docsByFile.get(doc.after)?.examples.length)
      .map((doc) => `${doc.file}: after=${doc.after}`);
    expect(dangling).toEqual([]);
    for (const doc of docs) expect(() => earlierExamples(doc)).not.toThrow();
  });
});

describe("the harness itself", () => {
  const parse = (text: string): DocFile => parseDocFile("doc.md", text);

  it("refuses a graphql, json or curl block that is neither run nor excused, naming its line", () => {
    const doc = parse(
      "# T\n\n```graphql\n{ me { ssin } }\n```\n\ntext\n\n```json\n{}\n```\n\n```sh\ncurl -s localhost:4000/graphql\n```\n\n```sh\nnpm start\n```\n",
    );
    expect(doc.problems).toEqual([
      expect.stringMatching(/^doc\.md:3: a `graphql` block is neither run nor excused/),
      expect.stringMatching(/^doc\.md:9: a `json` block/),
      expect.stringMatching(/^doc\.md:13: a `sh` block/),
    ]);
  });

  it("reads an example, its variables and its answer, and excuses a block marked not-run", () => {
    const doc = parse(
      "<!-- example: as=85073003328 lang=fr at=2026-12-06T09:00:00Z status=400 -->\n```graphql\nquery ($n: EnterpriseNumber!) { enterprise(number: $n) { name } }\n```\n" +
        '```json variables\n{"n": "0123456749"}\n```\n\n```json\n{"data":null}\n```\n<!-- not-run: a shape -->\n```json\n{"a": 1}\n```\n',
    );
    expect(doc.problems).toEqual([]);
    expect(doc.examples).toEqual([
      expect.objectContaining({
        line: 1,
        as: "85073003328",
        language: "fr",
        status: 400,
        at: new Date("2026-12-06T09:00:00Z"),
        request: expect.objectContaining({ kind: "graphql", variables: expect.objectContaining({ line: 5 }) }),
        answer: expect.objectContaining({ line: 9, text: '{"data":null}' }),
      }),
    ]);
  });

  it("reads which file's story a file continues", () => {
    const doc = parse(
      "# T\n<!-- examples: after=README.md -->\n<!-- example: as=anonymous -->\n```graphql\n{ me { ssin } }\n```\n```json\n{}\n```\n",
    );
    expect(doc).toMatchObject({ after: "README.md", problems: [], examples: [{ line: 3, as: "anonymous" }] });
    expect(parse("<!-- examples: before=README.md -->\n").problems).toEqual([
      expect.stringMatching(/^doc\.md:1: unknown setting "before"/),
    ]);
  });

  it("refuses an example without its answer, with an unknown setting, or whose graphql names no viewer", () => {
    expect(parse("<!-- example: as=anonymous -->\n```graphql\n{ me { ssin } }\n```\nThe answer:\n```json\n{}\n```\n").problems).toEqual([
      expect.stringMatching(/^doc\.md:1: the example's request must be followed by its expected answer/),
      expect.stringMatching(/^doc\.md:6: a `json` block is neither run nor excused/),
    ]);
    expect(parse("<!-- example: as=anonymous colour=red -->\n```graphql\n{ me { ssin } }\n```\n```json\n{}\n```\n").problems).toEqual([
      expect.stringMatching(/^doc\.md:1: unknown setting "colour"/),
    ]);
    expect(parse("<!-- example: -->\n```graphql\n{ me { ssin } }\n```\n```json\n{}\n```\n").problems[0]).toMatch(/as=SSIN or as=anonymous/);
  });

  it("compares exactly, except for placeholders, open objects and arrays, and volatile keys", () => {
    const answer = { data: { a: { id: "7", myTasks: ["A", "B"], at: "2026-03-02T08:00:00.000Z", requestId: null } } };
    expect(differences({ data: { a: { id: "12", myTasks: ["A", "B"], at: "…", requestId: null } } }, answer)).toEqual([]);
    expect(differences({ data: { a: { myTasks: ["A", "…"], "…": "…" } } }, answer)).toEqual([]);
    expect(
      differences({ data: { a: { id: "7", myTasks: ["A", "B", "C", "D"], at: "2026-03-02T08:00:00.000Z", requestId: "x" } } }, answer),
    ).toEqual([
      '$.data.a.myTasks: expected 4 element(s), got 2: ["A","B"]',
      "$.data.a.requestId: expected any string (it varies), got null",
    ]);
    expect(differences({ data: { a: { id: "7", myTasks: ["A", "B"] } } }, answer)).toEqual([
      '$.data.a: unexpected key "at": "2026-03-02T08:00:00.000Z" (show it, or add "…": "…")',
      '$.data.a: unexpected key "requestId": null (show it, or add "…": "…")',
    ]);
    expect(differences({ errors: [] }, answer)).toEqual([
      expect.stringMatching(/^\$\.errors: missing/),
      '$: unexpected key "data": {"a":{"id":"7","myTasks":["A","B"],"at":"2026-03-02T08:00:00.000Z","requestId":null}} (show it, or add "…": "…")',
    ]);
  });

  it("reads a curl command as the shell would pass it, with $TOKEN and a token of npm run token", async () => {
    const variables = new Map([["TOKEN", "printed"]]);
    const token = async (ssin: string) => `signed-for-${ssin}`;
    const script = `curl -s localhost:4000/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{\n  "query": "{ me { ssin } }" }'`;
    expect(await readCurlScript(script, { variables, token })).toEqual({
      method: "POST",
      path: "/graphql",
      headers: { accept: "*/*", "user-agent": "curl/8", authorization: "Bearer printed", "content-type": "application/json" },
      body: '{\n  "query": "{ me { ssin } }" }',
    });
    const second = await readCurlScript(
      `TOKEN=$(npm run --silent token -- 90011512363)\ncurl -sG localhost:4000/graphql \\\n  --data-urlencode x`,
      {
        variables,
        token,
      },
    ).catch((error: Error) => error.message);
    expect(second).toBe("curl --data-urlencode is not supported here");
    expect(variables.get("TOKEN")).toBe("signed-for-90011512363");
    await expect(readCurlScript("curl -s example.org/graphql", { variables, token })).rejects.toThrow(/not the gateway npm start serves/);
    await expect(readCurlScript('curl -s localhost:4000/graphql -H "authorization: Bearer $TOKN"', { variables, token })).rejects.toThrow(
      /\$TOKN is not set/,
    );
  });
});

describeEachDatabase("documentation examples against a real gateway", (dialect) => {
  for (const doc of docs.filter((d) => d.examples.length > 0)) {
    describe(doc.file, () => {
      let story: Story;
      beforeAll(async () => {
        story = await startStory(dialect);
        // A page that continues another's story runs that page's examples first (they are checked on their own too).
        for (const example of earlierExamples(doc)) await runExample(example, story);
      }, 120_000);
      afterAll(() => story?.gateway.stop());

      for (const example of doc.examples) it(title(example), () => runExample(example, story));
    });
  }
});
