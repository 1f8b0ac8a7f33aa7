// The upstream's own bytes of a completion read from JSON, so that the proxy can send them on as
// they came instead of serialising the parsed copy again (bench/README.md: JSON.stringify and the
// string's re-encoding were a measurable part of a proxied call). Held weakly: they live exactly as
// long as the completion object, and a completion made any other way (a mock) has none.
const upstreamBytes = new WeakMap<object, Buffer>();

/** Records that `value` was parsed from `bytes`, which are valid JSON. */
export function rememberUpstreamJson(value: object, bytes: Buffer): void {
  upstreamBytes.set(value, bytes);
}

/** The JSON bytes `value` was parsed from, when it came from an upstream unchanged. */
export function upstreamJsonOf(value: object): Buffer | undefined {
  return upstreamBytes.get(value);
}
