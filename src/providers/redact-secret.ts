/**
 * `text` with every occurrence of `secret` masked. Upstream error messages sometimes echo the key
 * they were sent, and rxllm's errors reach logs and proxy clients, so the key must never get through.
 *
 * @example
 * redactSecret('Incorrect API key provided: sk-abc123', 'sk-abc123') // 'Incorrect API key provided: [redacted]'
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret === '') return text;
  return text.split(secret).join('[redacted]');
}
