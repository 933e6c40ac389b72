import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** Where a frame's code lives: our code by its file, a package by its name, Node's own, or V8's (GC, program). */
function areaOf({ url, functionName }: CallFrame): string {
  if (!url) return `(${functionName || "native"})`;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1];
  const ours = /\/((?:src|bench)\/.*)$/.exec(url);
  if (ours) return ours[1];
  return url.startsWith("node:") ? "node" : url;
}

const frameName = (frame: CallFrame) => `${frame.functionName || "(anonymous)"} ${areaOf(frame)}:${frame.lineNumber + 1}`;

function top(totals: Map<string, number>, whole: number, n: number, unit: (value: number) => string): string[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, value]) => `| ${name} | ${unit(value)} | ${((value / whole) * 100).toFixed(1)}% |`);
}

const add = (totals: Map<string, number>, key: string, value: number) => totals.set(key, (totals.get(key) ?? 0) + value);

/**
 * Runs `work` under the inspector's CPU profiler (`cpu`: self time by function and by area) or its sampling heap
 * profiler (`heap`: bytes allocated by function and by area, the collected ones included, one sample per 4 KB), and
 * answers the top items as markdown tables; the profile itself goes to `file` (.cpuprofile or .heapprofile, for
 * Chrome's DevTools) when given.
 */
export async function profileWhile(kind: "cpu" | "heap", file: string | undefined, work: () => Promise<void>): Promise<string> {
  const session = new Session();
  session.connect();
  const selfByFunction = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  let whole = 0;
  let unit: (value: number) => string;
  if (kind === "cpu") {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
    await work();
    const { profile } = await session.post("Profiler.stop");
    if (file) writeFileSync(file, JSON.stringify(profile));
    const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples?.length ?? 1);
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      add(selfByFunction, frameName(node.callFrame), hits);
      add(selfByArea, areaOf(node.callFrame), hits);
      whole += hits;
    }
    unit = (hits) => `${((hits * interval) / 1000).toFixed(0)} ms`;
  } else {
    await session.post("HeapProfiler.enable");
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as never);
    await work();
    const { profile } = await session.post("HeapProfiler.stopSampling");
    if (file) writeFileSync(file, JSON.stringify(profile));
    const walk = (node: (typeof profile)["head"]) => {
      add(selfByFunction, frameName(node.callFrame), node.selfSize);
      add(selfByArea, areaOf(node.callFrame), node.selfSize);
      whole += node.selfSize;
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    unit = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  }
  session.disconnect();
  const header = ["| where | " + (kind === "cpu" ? "self time" : "allocated") + " | share |", "|---|---|---|"];
  return [...header, ...top(selfByArea, whole, 20, unit), "", ...header, ...top(selfByFunction, whole, 30, unit)].join("\n");
}
