import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { parseProxyConfig, type ProxyConfig } from './parse-proxy-config.js';
import type { Env } from './parse-router-config.js';

function yamlIssue(error: { message: string; linePos?: readonly { line: number; col: number }[] | undefined }): ConfigIssue {
  const start = error.linePos?.[0];
  // The yaml package appends " at line L, column C:" and a code excerpt; the path carries the position.
  const message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
  return { path: start === undefined ? '' : `line ${start.line}, column ${start.col}`, message };
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
  if (document.errors.length > 0) throw new ConfigError(document.errors.map(yamlIssue), `${path} is not valid YAML`);
  const raw: unknown = document.toJS({ maxAliasCount: 1000 });
  try {
    return parseProxyConfig(raw, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.issues, `invalid rxllm config ${path}`);
    throw error;
  }
}
