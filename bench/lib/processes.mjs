// Child processes for the benchmarks: pinned to a core with `taskset` when it exists, with an IPC
// channel, and their CPU time and peak RSS read from /proc (so no code runs inside them for it).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const cores = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((line) => line.startsWith('processor')).length;
  } catch {
    return 1;
  }
})();
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** Which core a role runs on (or undefined: wherever the OS puts it). */
export function coreFor(role) {
  if (!hasTaskset || cores < 2) return undefined;
  return role === 'server' ? 0 : 1;
}

export const pinning = hasTaskset && cores >= 2;

/**
 * Starts `node [nodeArgs] script [args]`, pinned to `core` when given; resolves once it has sent its
 * first IPC message (e.g. `{ port }`), with that message.
 */
export async function startNode(script, args = [], { core, nodeArgs = [], env = {}, stdout = 'ignore', ready = true } = {}) {
  const argv = [...nodeArgs, script, ...args];
  const command = core === undefined ? process.execPath : 'taskset';
  const fullArgs = core === undefined ? argv : ['-c', String(core), process.execPath, ...argv];
  const child = spawn(command, fullArgs, { stdio: ['ignore', stdout, 'inherit', 'ipc'], env: { ...process.env, ...env } });
  child.on('error', (error) => console.error(`cannot start ${script}:`, error));
  if (!ready) return { child, message: undefined };
  const [message] = await once(child, 'message');
  return { child, message };
}

/** Asks a child over IPC and waits for its next message. */
export async function ask(child, message) {
  const reply = once(child, 'message');
  child.send(message);
  return (await reply)[0];
}

/** CPU time (user + system) of a process so far, in µs, from /proc/<pid>/stat (clock-tick resolution). */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime field 14, stime field 15 (1-based in proc(5)).
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1e6;
}

/** Peak and current resident set size of a process (KiB), from /proc/<pid>/status. */
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: field('VmHWM'), now: field('VmRSS') };
}

/** The real pid of a child started through taskset (taskset execs node, so it is the same pid). */
export function pidOf(child) {
  return child.pid;
}

export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
