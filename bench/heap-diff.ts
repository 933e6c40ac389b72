import { readFileSync } from "node:fs";

/**
 * What grew between two heap snapshots (.heapsnapshot, as `--heapsnapshot-signal` or `v8.writeHeapSnapshot` write
 * them): the self size and count of the objects of each constructor (or of each kind of node: strings, code, arrays),
 * largest growth first. Self sizes, not retained sizes: enough to name what accumulates (a Map's entries, strings,
 * rows of an entity), which a profiler then follows to its retainers.
 *   node -r @swc-node/register bench/heap-diff.ts START.heapsnapshot END.heapsnapshot
 */
interface Totals {
  mb: number;
  groups: Map<string, { size: number; count: number }>;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function totalsOf(file: string): Totals {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const { node_fields: fields, node_types: types } = parsed.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const typeNames = types[0];
  const groups = new Map<string, { size: number; count: number }>();
  let total = 0;
  const { nodes, strings } = parsed;
  for (let i = 0; i < nodes.length; i += width) {
    const type = typeNames[nodes[i + typeAt]];
    const size = nodes[i + sizeAt];
    total += size;
    // Objects by constructor; everything else by its kind (a string's name is its text: never shown).
    const key =
      type === "object" || type === "closure" ? `${strings[nodes[i + nameAt]]}${type === "closure" ? " (closure)" : ""}` : `(${type})`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { size: 0, count: 0 }));
    group.size += size;
    group.count++;
  }
  return { mb: total / 2 ** 20, groups };
}

export interface HeapDiff {
  startMb: number;
  endMb: number;
  /** By growth of self size, largest first. */
  rows: { name: string; grewKb: number; countBefore: number; countAfter: number; endKb: number }[];
}

export function diffHeapSnapshots(startFile: string, endFile: string): HeapDiff {
  const start = totalsOf(startFile);
  const end = totalsOf(endFile);
  const names = new Set([...start.groups.keys(), ...end.groups.keys()]);
  const rows = [...names].map((name) => {
    const before = start.groups.get(name) ?? { size: 0, count: 0 };
    const after = end.groups.get(name) ?? { size: 0, count: 0 };
    return {
      name,
      grewKb: Math.round((after.size - before.size) / 1024),
      countBefore: before.count,
      countAfter: after.count,
      endKb: Math.round(after.size / 1024),
    };
  });
  rows.sort((a, b) => b.grewKb - a.grewKb);
  return { startMb: start.mb, endMb: end.mb, rows };
}

export function formatHeapDiff(diff: HeapDiff, top = 15): string {
  return [
    `${diff.startMb.toFixed(1)} MB at the start, ${diff.endMb.toFixed(1)} MB at the end`,
    "",
    "| constructor or kind | grew KB | count before | count after | KB at the end |",
    "|---|---|---|---|---|",
    ...diff.rows.slice(0, top).map((r) => `| ${r.name || "(anonymous)"} | ${r.grewKb} | ${r.countBefore} | ${r.countAfter} | ${r.endKb} |`),
  ].join("\n");
}

if (require.main === module) {
  const [startFile, endFile] = process.argv.slice(2);
  if (!startFile || !endFile) {
    process.stderr.write("usage: heap-diff START.heapsnapshot END.heapsnapshot\n");
    process.exit(2);
  }
  process.stdout.write(`${formatHeapDiff(diffHeapSnapshots(startFile, endFile), 25)}\n`);
}
