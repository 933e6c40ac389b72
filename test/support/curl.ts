/**
 * The shell of the documentation's curl examples, read rather than run: no shell, no curl, no network but the test's
 * gateway. It knows what the examples write: variable assignments (`TOKEN=...`, `export TOKEN=...`), `$NAME` and
 * `${NAME}` in double quotes and bare words, `$(npm run --silent token -- SSIN)`, single and double quotes, backslash
 * line continuations, comments, and one curl command with -s, -S, -H, -d/--data/--data-raw/--data-binary, --json,
 * -X, -G and a URL on localhost:4000. Anything else is refused with what to write instead.
 */

type Part = { literal: string } | { variable: string } | { command: string[] };
type Word = Part[];

/** A request as an example sends it. */
export interface HttpRequest {
  method: string;
  /** Path and query string, as sent. */
  path: string;
  /** Headers as curl sends them (names lower-cased), curl's own defaults included. */
  headers: Record<string, string>;
  body: string | null;
}

export interface ShellEnvironment {
  variables: Map<string, string>;
  /** What `$(npm run --silent token -- SSIN)` prints: a development token for that person. */
  token(ssin: string, names: { givenName?: string; familyName?: string }): Promise<string>;
}

/** Splits a script into commands of words, each word a list of literal text, variables and command substitutions. */
function commands(script: string): Word[][] {
  const result: Word[][] = [];
  let command: Word[] = [];
  let word: Word | null = null;
  const push = (part: Part) => {
    word ??= [];
    const last = word[word.length - 1];
    if ("literal" in part && last && "literal" in last) last.literal += part.literal;
    else word.push(part);
  };
  const endWord = () => {
    if (word) command.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (command.length > 0) result.push(command);
    command = [];
  };
  let i = 0;
  const variableAt = (): Part => {
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(script.slice(i));
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(script.slice(i));
    const substitution = /^\$\(([^()]*)\)/.exec(script.slice(i));
    const match = braced ?? bare;
    if (match) {
      i += match[0].length;
      return { variable: match[1] };
    }
    if (substitution) {
      i += substitution[0].length;
      return { command: substitution[1].trim().split(/\s+/) };
    }
    throw new Error(`unsupported shell expansion at "${script.slice(i, i + 20)}"`);
  };
  while (i < script.length) {
    const c = script[i];
    if (c === "\\" && script[i + 1] === "\n") i += 2;
    else if (c === "\n" || c === ";") {
      endCommand();
      i++;
    } else if (c === "&" && script[i + 1] === "&") {
      endCommand();
      i += 2;
    } else if (c === " " || c === "\t") {
      endWord();
      i++;
    } else if (c === "#" && !word) {
      while (i < script.length && script[i] !== "\n") i++;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new Error("a single quote is not closed");
      push({ literal: script.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '"') {
      i++;
      push({ literal: "" });
      while (script[i] !== '"') {
        if (i >= script.length) throw new Error("a double quote is not closed");
        if (script[i] === "\\" && '"\\$`\n'.includes(script[i + 1])) {
          if (script[i + 1] !== "\n") push({ literal: script[i + 1] });
          i += 2;
        } else if (script[i] === "$") push(variableAt());
        else if (script[i] === "`") throw new Error("backquotes are not supported: write $(...)");
        else push({ literal: script[i++] });
      }
      i++;
    } else if (c === "\\") {
      push({ literal: script[i + 1] ?? "" });
      i += 2;
    } else if (c === "$") push(variableAt());
    else if ("|<>`".includes(c)) throw new Error(`"${c}" is not supported: one curl command, its output as it is`);
    else push({ literal: script[i++] });
  }
  endCommand();
  return result;
}

async function expand(word: Word, env: ShellEnvironment): Promise<string> {
  let text = "";
  for (const part of word) {
    if ("literal" in part) text += part.literal;
    else if ("variable" in part) {
      const value = env.variables.get(part.variable);
      if (value === undefined) throw new Error(`$${part.variable} is not set: assign it in an earlier example of the file`);
      text += value;
    } else text += await substitute(part.command, env);
  }
  return text;
}

/** `npm run --silent token -- SSIN [--given-name X --family-name Y]`, the one command an example may substitute. */
async function substitute(words: string[], env: ShellEnvironment): Promise<string> {
  const [npm, run, ...rest] = words;
  const silent = rest[0] === "--silent" || rest[0] === "-s";
  const [token, dashes, ssin, ...options] = silent ? rest.slice(1) : rest;
  if (npm !== "npm" || run !== "run" || !silent || token !== "token" || dashes !== "--" || !/^\d{11}$/.test(ssin ?? ""))
    throw new Error(`$(${words.join(" ")}) is not supported: only $(npm run --silent token -- SSIN)`);
  const names: { givenName?: string; familyName?: string } = {};
  for (let i = 0; i < options.length; i += 2) {
    if (options[i] === "--given-name") names.givenName = options[i + 1];
    else if (options[i] === "--family-name") names.familyName = options[i + 1];
    else throw new Error(`npm run token: unknown option ${options[i]}`);
  }
  return env.token(ssin, names);
}

const curlDefaults = { accept: "*/*", "user-agent": "curl/8" };

/** Runs the assignments of a script in `env` and reads its one curl command. */
export async function readCurlScript(script: string, env: ShellEnvironment): Promise<HttpRequest> {
  let request: HttpRequest | null = null;
  for (const words of commands(script)) {
    const first = words[0].length === 1 && "literal" in words[0][0] ? words[0][0].literal : null;
    const assignment = (word: Word) => {
      const head = word[0];
      const match = head && "literal" in head ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(head.literal) : null;
      return match ? { name: match[1], value: [{ literal: match[2] }, ...word.slice(1)] as Word } : null;
    };
    const assigned = assignment(first === "export" ? words[1] : words[0]);
    if (assigned && words.length === (first === "export" ? 2 : 1)) {
      env.variables.set(assigned.name, await expand(assigned.value, env));
      continue;
    }
    if (first !== "curl") throw new Error(`only curl and variable assignments run here, not "${first ?? "…"}"`);
    if (request) throw new Error("one curl command per example");
    request = await readCurl(await Promise.all(words.slice(1).map((w) => expand(w, env))));
  }
  if (!request) throw new Error("the block has no curl command");
  return request;
}

async function readCurl(words: string[]): Promise<HttpRequest> {
  // Short options together (-sG, -sSH value) are the same options apart; the last may take a value.
  const args = words.flatMap((word) => (/^-[A-Za-z]{2,}$/.test(word) ? [...word.slice(1)].map((letter) => `-${letter}`) : [word]));
  const headers: Record<string, string> = { ...curlDefaults };
  const data: string[] = [];
  let method: string | null = null;
  let url: string | null = null;
  let get = false;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new Error(`curl ${arg} needs a value`);
      return args[++i];
    };
    if (["-s", "-S", "--silent", "--show-error"].includes(arg)) continue;
    if (arg === "-H" || arg === "--header") {
      const header = value();
      const colon = header.indexOf(":");
      if (colon < 1) throw new Error(`curl -H "${header}" is not a header`);
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (["-d", "--data", "--data-raw", "--data-binary"].includes(arg)) {
      const body = value();
      if (body.startsWith("@") && arg !== "--data-raw") throw new Error("curl -d @file is not supported: write the body in the example");
      data.push(body);
    } else if (arg === "--json") {
      data.push(value());
      json = true;
    } else if (arg === "-X" || arg === "--request") method = value();
    else if (arg === "-G" || arg === "--get") get = true;
    else if (arg === "--url") url = value();
    else if (arg.startsWith("-")) throw new Error(`curl ${arg} is not supported here`);
    else if (url) throw new Error(`curl is given two URLs: ${url} and ${arg}`);
    else url = arg;
  }
  if (!url) throw new Error("curl has no URL");
  const parsed = new URL(/^https?:\/\//.test(url) ? url : `http://${url}`);
  if (!["localhost:4000", "127.0.0.1:4000"].includes(parsed.host))
    throw new Error(`the URL ${url} is not the gateway npm start serves (localhost:4000)`);
  let path = `${parsed.pathname}${parsed.search}`;
  const body = data.length > 0 ? data.join("&") : null;
  if (json) {
    headers["content-type"] ??= "application/json";
    headers.accept = headers.accept === curlDefaults.accept ? "application/json" : headers.accept;
  }
  if (get && body !== null) {
    path += `${parsed.search ? "&" : "?"}${body}`;
    return { method: method ?? "GET", path, headers, body: null };
  }
  if (body !== null) headers["content-type"] ??= "application/x-www-form-urlencoded";
  return { method: method ?? (body === null ? "GET" : "POST"), path, headers, body };
}
