// The upstream's own JSON text of a completion or chunk, so that the proxy can send it on as it came
// instead of serialising the parsed copy again (bench/README.md: JSON.stringify, and re-encoding its
// string, were a measurable part of every proxied answer and chunk).
//
// It is kept on the value itself, under a module-private symbol, not enumerable: JSON.stringify,
// Object.keys, spread and structuredClone all pass it by, so a copy made to change a chunk (`{
// ...chunk, model }`) has none and is serialised afresh, and a value made any other way (a mock, a
// caller's own) has none either. Not a WeakMap: V8's scavenger keeps a young key of an old WeakMap
// alive through the next scavenge, so every chunk, and its text, survived one it should have died
// before; with 10k open streams that was 1.4 MB copied on every scavenge, and the pauses that made
// 50 ms timers late (bench/README.md, §3).
const upstreamJsonKey = Symbol('rxllm.upstreamJson');

interface WithUpstreamJson {
  [upstreamJsonKey]?: Buffer | string;
}

/**
 * Records that `value` was parsed from `json`: valid JSON with no line break outside strings that
 * would break SSE framing, and no byte order mark.
 */
export function rememberUpstreamJson(value: object, json: Buffer | string): void {
  Object.defineProperty(value, upstreamJsonKey, { value: json, writable: true, configurable: true, enumerable: false });
}

/** The JSON `value` was parsed from, when it came from an upstream unchanged. */
export function upstreamJsonOf(value: object): Buffer | string | undefined {
  return (value as WithUpstreamJson)[upstreamJsonKey];
}
