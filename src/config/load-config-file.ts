import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { parseProxyConfig, type ProxyConfig } from './parse-proxy-config.js';
import type { Env } from './parse-router-config.js';

/** Aliases (`*name`) a config may expand: far more than any real config uses, far fewer than an expansion attack. */
const maxAliasCount = 1000;

/** YAML errors shown: after a stray bracket every later token is one more, and the first few locate the problem. */
const maxYamlIssues = 10;

/** yaml's messages that end with the source they stopped at: quoted (`Unexpected scalar token in YAML stream: "..."`) or not. */
const quotedSource = /: "(?:[^"\\]|\\.)*"$/;
const plainSource = /^(Not a YAML token|Block scalar header includes extra characters): .*$/;

function yamlIssue(error: { message: string; linePos?: readonly { line: number; col: number }[] | undefined }): ConfigIssue {
  const start = error.linePos?.[0];
  // The yaml package appends " at line L, column C:" and a code excerpt; the path carries the position.
  // The excerpt, and the token some messages quote, are the file's text: a master_key or api_key
  // there would reach the logs with the error.
  const message = (error.message.split('\n')[0] ?? error.message)
    .replace(/ at line \d+, column \d+:?$/, '')
    .replace(quotedSource, '')
    .replace(plainSource, '$1');
  return { path: start === undefined ? '' : `line ${start.line}, column ${start.col}`, message };
}

function yamlIssues(errors: readonly Parameters<typeof yamlIssue>[0][]): ConfigIssue[] {
  const issues = errors.slice(0, maxYamlIssues).map(yamlIssue);
  if (errors.length > maxYamlIssues) issues.push({ path: '', message: `and ${errors.length - maxYamlIssues} more YAML errors after these` });
  return issues;
}

/**
 * Reads a LiteLLM `config.yaml` and maps it onto rxllm (see `parseProxyConfig`). The file is parsed
 * with the `yaml` package (YAML 1.2; duplicate keys are errors).
 *
 * @throws ConfigError listing every problem as `path: message`: YAML syntax errors by line and column,
 * settings by their path in the file (`model_list[2].litellm_params.timeout: ...`).
 *
 * @example
 * const config = await loadConfigFile('config.yaml');
 * const router = new Router(config.router, { env: config.env });
 */
export async function loadConfigFile(path: string, env: Env = process.env): Promise<ProxyConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? error);
    throw new ConfigError([{ path, message: `cannot read the config file (${reason})` }], `cannot load ${path}`);
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new ConfigError(yamlIssues(document.errors), `${path} is not valid YAML`);
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount });
  } catch (error) {
    // The yaml package throws (a ReferenceError) when aliases expand past maxAliasCount: a
    // "billion laughs" document, which would otherwise take the memory of the whole process.
    const message = `its aliases expand too much (more than ${maxAliasCount} aliased values): ${(error as Error).message}`;
    throw new ConfigError([{ path: '', message }], `${path} is not a usable YAML config`);
  }
  try {
    return parseProxyConfig(raw, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.issues, `invalid rxllm config ${path}`);
    throw error;
  }
}
