// Summaries of V8's sampling heap profiler (HeapProfiler.startSampling / stopSampling) for the
// allocation tools: bytes per allocating function, divided by a count (calls, requests, streams).

/** Self bytes per function (`name file:line`, paths shortened), and their total. */
export function bytesByFunction(profile) {
  const self = new Map();
  let total = 0;
  const walk = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/')}:${lineNumber + 1}`;
    total += node.selfSize;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return { self, total };
}

/** Prints the `top` functions by bytes, each divided by `count`. */
export function printTop(self, count, top = 30) {
  for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(bytes / count).toFixed(0).padStart(6)} B  ${key}`);
}
