// Reads a V8 CPU profile (node --cpu-prof) of the proxy and prints where the time went: by area
// (our sidecar code, Node's http internals, undici, GC, …), the functions with the most self time,
// and our functions with the most total (inclusive) time.
//   usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]
// A profile of Sidelane under load: BENCH_TARGETS=sidelane BENCH_NODE_FLAGS='--cpu-prof
// --cpu-prof-dir=.cache/bench/profile' npm run bench (the profile is written when the proxy stops).
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Where a frame's code lives, in words a reader of this repository knows. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)' || functionName === '(idle)' || functionName === '(program)') return functionName;
    return '(native)';
  }
  const ours = /\/(sidecar|src)\/(.*)$/.exec(url);
  if (ours && !url.includes('node_modules')) return `${ours[1] ?? ''}/${(ours[2] ?? '').split('/')[0] ?? ''}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? 'node_modules';
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:').split('/').slice(0, 2).join('/');
  return url;
}

export function frameLabel(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/(sidecar|src|node_modules)\//, '$1/').replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${file}${file ? `:${frame.lineNumber + 1}` : ''}`;
}

export interface Summary {
  totalMs: number;
  byArea: [string, number][];
  selfTop: [string, number][];
  /** Inclusive time of our own (sidecar/, src/) functions. */
  oursTotalTop: [string, number][];
}

export function summarize(profile: CpuProfile, top = 25): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sampleCount = profile.samples.length || 1;
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / sampleCount;
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);

  const area = new Map<string, number>();
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    const ms = count * msPerSample;
    add(area, areaOf(node.callFrame), ms);
    add(self, frameLabel(node.callFrame), ms);
    // Each of our functions on the stack gets the sample once, however often it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || !/^(sidecar|src)\//.test(areaOf(frame))) continue;
      const label = frameLabel(frame);
      if (!seen.has(label)) add(total, label, ms);
      seen.add(label);
    }
  }
  const sorted = (m: Map<string, number>, n: number): [string, number][] => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return {
    totalMs: sampleCount * msPerSample,
    byArea: sorted(area, 40),
    selfTop: sorted(self, top),
    oursTotalTop: sorted(total, top),
  };
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function print(summary: Summary): string {
  const busy = summary.totalMs - (summary.byArea.find(([a]) => a === '(idle)')?.[1] ?? 0);
  const row = ([name, ms]: [string, number]): string =>
    `${(((ms / busy) * 100).toFixed(1) + '%').padStart(7)} ${ms.toFixed(0).padStart(7)} ms  ${name}`;
  return [
    `profile: ${summary.totalMs.toFixed(0)} ms, busy (not idle) ${busy.toFixed(0)} ms; shares below are of busy time`,
    '', 'by area (self time):', ...summary.byArea.filter(([a]) => a !== '(idle)').map(row),
    '', 'functions by self time:', ...summary.selfTop.filter(([a]) => !a.startsWith('(idle)')).map(row),
    '', 'our functions by total time (self + callees):', ...summary.oursTotalTop.map(row),
  ].join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, topText] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile-summary.ts <file.cpuprofile> [top]\n');
    process.exitCode = 2;
  } else {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    process.stdout.write(`${print(summarize(profile, Number(topText ?? 25)))}\n`);
  }
}
