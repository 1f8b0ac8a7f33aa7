/**
 * A vector as OpenAI sends it with `encoding_format: "base64"`: its float32 little-endian bytes in
 * base64. `Float32Array` uses the platform's byte order, so the bytes are written explicitly.
 *
 * @example
 * float32Base64([1, 0]) // 'AACAPwAAAAA='
 */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
