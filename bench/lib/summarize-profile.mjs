// Prints the top functions of a V8 .cpuprofile by self time (and the share of the total); with
// --incl PATTERN..., the inclusive share of each pattern instead (samples with a matching frame on
// their stack, counted once), to attribute a request's cost to its parts.
// Usage: node bench/lib/summarize-profile.mjs FILE.cpuprofile [N] [--incl name1 name2 ...]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const inclAt = args.indexOf('--incl');
const patterns = inclAt === -1 ? [] : args.slice(inclAt + 1);
const [file, count = '30'] = inclAt === -1 ? args : args.slice(0, inclAt);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
};
const dt = profile.timeDeltas;
const self = new Map();
const incl = new Map(patterns.map((pattern) => [pattern, 0]));
let total = 0;
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  const us = dt[i] ?? 0;
  total += us;
  const key = label(node);
  if (!key.startsWith('(idle)')) busy += us;
  self.set(key, (self.get(key) ?? 0) + us);
  if (patterns.length > 0) {
    const stack = [];
    for (let id = node.id; id !== undefined; id = parent.get(id)) stack.push(label(byId.get(id)));
    for (const pattern of patterns) if (stack.some((frame) => frame.includes(pattern))) incl.set(pattern, incl.get(pattern) + us);
  }
}
if (patterns.length > 0) {
  console.log(`busy (not idle): ${(busy / 1000).toFixed(0)} ms; shares below are of busy time`);
  for (const [pattern, us] of incl) console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${pattern}`);
} else {
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  }
}
