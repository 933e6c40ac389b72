// @ts-check
/**
 * `npm run build`: compiles src/ into dist/ (CommonJS, source maps beside each file) with swc, file by file, with the
 * transform the TypeScript register and Jest use (legacy decorators with their metadata, no define semantics for
 * class fields, class names kept: type-graphql and TypeORM read them), and copies the files src/ reads at run time
 * (the demo register, the trusted-documents manifest). Type checking is `npm run typecheck`'s: swc does none, which
 * is why the build takes a fraction of a second rather than tsc's five.
 *
 * `--if-stale` (the pre-scripts of `npm start` and of the commands) builds only when src/ or this file changed since
 * dist/ was built: dist/ records a fingerprint of every file's and folder's path, size and mtime (a file added,
 * removed or renamed changes its folder's). Without src/ (a package shipped as dist/ alone) there is nothing to do.
 * `--out DIR` builds elsewhere than dist/.
 *
 * Several commands may start at once (a test run, a shell loop): a lock file lets one build while the others wait,
 * then find dist/ fresh. The new tree is written beside the old one and swapped in by two renames, so that a process
 * already running from dist/ never reads a half-written file, and a file removed from src/ leaves dist/ with it.
 */
const { createHash } = require("node:crypto");
const {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require("node:fs");
const { basename, dirname, join, relative, resolve } = require("node:path");
const { parseArgs } = require("node:util");

const root = join(__dirname, "..");
const source = join(root, "src");
const fingerprintFile = ".build-fingerprint";

/**
 * The options of @swc/jest in jest.config.js (test/build.test.ts holds them equal), and of the TypeScript register
 * reading tsconfig.json, plus source maps.
 * @type {import("@swc/core").Options}
 */
const swcOptions = {
  jsc: {
    target: "es2022",
    parser: { syntax: "typescript", decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: "commonjs" },
  sourceMaps: true,
  swcrc: false,
  configFile: false,
};

// @swc/core loads a native binding (tens of ms): only a build needs it, not the check that finds dist/ fresh.
const swcVersion = () => JSON.parse(readFileSync(require.resolve("@swc/core/package.json"), "utf8")).version;

/**
 * Every file and folder under `directory`, sorted, as paths relative to it (folders end with "/").
 * @param {string} directory
 * @returns {string[]}
 */
function walk(directory, prefix = "") {
  const entries = readdirSync(join(directory, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  return entries.flatMap((entry) => {
    const path = prefix + entry.name;
    return entry.isDirectory() ? [`${path}/`, ...walk(directory, `${path}/`)] : [path];
  });
}

function fingerprint() {
  const hash = createHash("sha256").update(`swc ${swcVersion()}\n`);
  for (const [label, file] of [
    ["build", __filename],
    ["src", source],
  ]) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${label}\t${size}\t${mtimeMs}\n`);
  }
  for (const path of walk(source)) {
    const { size, mtimeMs } = statSync(join(source, path));
    hash.update(`${path}\t${size}\t${mtimeMs}\n`);
  }
  return hash.digest("hex");
}

/** @param {string} out */
const builtFingerprint = (out) => {
  try {
    return readFileSync(join(out, fingerprintFile), "utf8");
  } catch {
    return null;
  }
};

/** @param {string} target */
async function compileInto(target) {
  const swc = require("@swc/core");
  const files = walk(source).filter((path) => !path.endsWith("/"));
  await Promise.all(
    files.map(async (path) => {
      const from = join(source, path);
      mkdirSync(dirname(join(target, path)), { recursive: true });
      if (!path.endsWith(".ts")) {
        copyFileSync(from, join(target, path));
        return;
      }
      if (path.endsWith(".d.ts")) return;
      const jsPath = join(target, path.replace(/\.ts$/, ".js"));
      const output = await swc.transform(readFileSync(from, "utf8"), {
        ...swcOptions,
        filename: from,
        // The map names the source as seen from dist/ in the project (../src/...), and carries its text, so that a
        // stack (node --enable-source-maps) shows TypeScript lines even where src/ is not shipped.
        sourceFileName: relative(dirname(join(root, "dist", path)), from),
      });
      writeFileSync(jsPath, `${output.code}\n//# sourceMappingURL=${basename(jsPath)}.map\n`);
      writeFileSync(`${jsPath}.map`, output.map ?? "");
    }),
  );
  return files.length;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

/** @param {number} pid */
const alive = (pid) => {
  try {
    return pid > 0 && process.kill(pid, 0);
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
};

/**
 * Waits for the lock next to `out`, a file holding its builder's pid. It appears with its content at once (a hard
 * link to a file written first): a waiter that read it empty would take it for a dead builder's. A lock whose builder
 * is gone (killed while building) is taken over.
 * @param {string} out
 */
async function lock(out) {
  const file = `${out}.lock`;
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    for (;;) {
      try {
        linkSync(mine, file);
        return () => rmSync(file, { force: true });
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EEXIST") throw error;
      }
      const holder = readHolder(file);
      if (holder === null) continue;
      if (!alive(holder)) {
        if (readHolder(file) === holder) rmSync(file, { force: true });
        continue;
      }
      await sleep(50);
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

/**
 * The pid in the lock file, or null when it was released meanwhile.
 * @param {string} file
 */
function readHolder(file) {
  try {
    return Number(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

async function main() {
  const { values } = parseArgs({ options: { "if-stale": { type: "boolean", default: false }, out: { type: "string" } } });
  const out = resolve(values.out ?? join(root, "dist"));
  if (!existsSync(source)) {
    if (values["if-stale"] && existsSync(join(out, "main.js"))) return;
    throw new Error(`no ${source} to build, and no ${out}/main.js`);
  }
  if (values["if-stale"] && builtFingerprint(out) === fingerprint()) return;
  mkdirSync(dirname(out), { recursive: true });
  const unlock = await lock(out);
  try {
    const current = fingerprint();
    if (values["if-stale"] && builtFingerprint(out) === current) return;
    const started = process.hrtime.bigint();
    const fresh = `${out}.new-${process.pid}`;
    const old = `${out}.old-${process.pid}`;
    rmSync(fresh, { recursive: true, force: true });
    const count = await compileInto(fresh);
    writeFileSync(join(fresh, fingerprintFile), current);
    try {
      renameSync(out, old);
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== "ENOENT") throw error;
    }
    renameSync(fresh, out);
    rmSync(old, { recursive: true, force: true });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // On stderr: `TOKEN=$(npm run -s token -- SSIN)` must capture the token alone, even on the run that builds.
    process.stderr.write(`Built ${count} files of src/ into ${relative(process.cwd(), out) || "."} in ${Math.round(ms)} ms\n`);
  } finally {
    unlock();
  }
}

module.exports = { swcOptions };

if (require.main === module)
  main().catch((error) => {
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
