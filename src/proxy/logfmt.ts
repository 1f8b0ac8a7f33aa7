/** A value a log line can hold; `undefined` leaves the key out. */
export type LogValue = string | number | boolean | undefined;

// Quoted only when it must be, so that most lines read as plain `key=value` words.
const plain = /^[^\s"=\\]+$/;

function formatValue(value: string | number | boolean): string {
  // A number or boolean always prints as a plain word (NaN, -1.5, true): only strings need the test.
  if (typeof value !== 'string') return String(value);
  return plain.test(value) ? value : JSON.stringify(value);
}

/**
 * One logfmt line (`key=value key2="two words"`): readable, and parseable by logfmt tools (Loki,
 * Grafana, `hl`, humanlog). Keys are written in the order given; `undefined` values are left out.
 *
 * @example
 * logfmt({ level: 'info', msg: 'listening', url: 'http://127.0.0.1:4000' })
 * // 'level=info msg=listening url=http://127.0.0.1:4000'
 */
export function logfmt(fields: Readonly<Record<string, LogValue>>): string {
  let line = '';
  for (const key in fields) line = withField(line, key, fields[key]);
  return line;
}

/**
 * `line` with ` key=value` added (quoted as `logfmt` quotes), or unchanged when `value` is undefined:
 * for a line written on every request, built without an object of its fields first.
 *
 * @example
 * withField('level=info', 'status', 200) // 'level=info status=200'
 */
export function withField(line: string, key: string, value: LogValue): string {
  if (value === undefined) return line;
  return `${line === '' ? '' : `${line} `}${key}=${formatValue(value)}`;
}
