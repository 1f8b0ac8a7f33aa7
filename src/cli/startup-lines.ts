import type { ProxyConfig } from '../config/parse-proxy-config.js';
import { logfmt } from '../proxy/logfmt.js';
import type { ListenAddress } from '../proxy/create-proxy-server.js';

/**
 * What the proxy says when it starts, as logfmt lines: where it listens, which config (and, with
 * `--num_workers`, how many workers and their pids), the model groups, whether auth is on, and each
 * config key it ignores. Never a key's value.
 */
export function startupLines(address: ListenAddress, configPath: string, config: ProxyConfig, workerPids?: readonly number[]): string[] {
  const time = new Date().toISOString();
  const { settings } = config;
  const lines = [
    logfmt({
      time,
      level: 'info',
      msg: 'rxllm proxy listening',
      url: address.url,
      config: configPath,
      workers: workerPids?.length,
      pids: workerPids?.join(','),
    }),
    logfmt({
      time,
      level: 'info',
      msg: 'model groups',
      groups: [...settings.groups.keys()].join(','),
      deployments: settings.deployments.length,
      timeout_s: settings.timeoutMs / 1000,
      num_retries: settings.numRetries,
    }),
    config.masterKey === undefined
      ? logfmt({ time, level: 'warn', msg: 'auth off: no general_settings.master_key, every client is let in', auth: 'off' })
      : logfmt({ time, level: 'info', msg: 'auth on: every route but /health/* and the /ui page (it asks for the key) needs Authorization: Bearer <master_key>', auth: 'on' }),
  ];
  for (const key of config.ignoredKeys) {
    lines.push(logfmt({ time, level: 'warn', msg: 'ignored config key: not used by rxllm', key }));
  }
  return lines;
}
