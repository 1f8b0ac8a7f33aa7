/** The levels rxllm's log lines carry, least severe first. */
export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

// LiteLLM's LITELLM_LOG takes Python's level names; rxllm's lines say `warn`.
const aliases: Readonly<Record<string, LogLevel>> = {
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  critical: 'error',
};

/**
 * `LITELLM_LOG` (LiteLLM's variable: `DEBUG`, `INFO`, `WARNING`, `ERROR`, any case) as a level;
 * undefined when unset or empty.
 *
 * @throws Error naming the variable and the values it takes.
 */
export function logLevelFromEnv(value: string | undefined): LogLevel | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const level = aliases[value.trim().toLowerCase()];
  if (level === undefined) throw new Error(`LITELLM_LOG: expected one of DEBUG, INFO, WARNING, ERROR, got "${value}"`);
  return level;
}

const levelField = / level=(\w+)/;

/**
 * `write` that passes on only the logfmt lines at `min` or above. Lines are rxllm's own
 * (`time=... level=... msg=...`): the level is read from the line, so every writer (the request
 * log, the startup lines) is filtered alike. A line without a level always passes.
 */
export function atLeast(min: LogLevel, write: (line: string) => void): (line: string) => void {
  const rank = logLevels.indexOf(min);
  if (rank <= logLevels.indexOf('debug')) return write;
  return (line) => {
    const level = levelField.exec(line)?.[1] as LogLevel | undefined;
    if (level === undefined || logLevels.indexOf(level) >= rank) write(line);
  };
}
