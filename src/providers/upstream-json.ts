// The upstream's own JSON text of a completion or chunk, so that the proxy can send it on as it came
// instead of serialising the parsed copy again (bench/README.md: JSON.stringify, and re-encoding its
// string, were a measurable part of every proxied answer and chunk). Held weakly: it lives exactly as
// long as the value, and a value made any other way (a mock, a caller's own) has none.
const upstreamJson = new WeakMap<object, Buffer | string>();

/**
 * Records that `value` was parsed from `json`: valid JSON with no line break outside strings that
 * would break SSE framing, and no byte order mark.
 */
export function rememberUpstreamJson(value: object, json: Buffer | string): void {
  upstreamJson.set(value, json);
}

/** The JSON `value` was parsed from, when it came from an upstream unchanged. */
export function upstreamJsonOf(value: object): Buffer | string | undefined {
  return upstreamJson.get(value);
}
