/** Response headers as undici and node:http give them: lower-case names, repeated headers as arrays. */
export type ResponseHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A response header's first value. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' ? value : value?.[0];
}
