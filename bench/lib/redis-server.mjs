// A throwaway redis-server for the benchmarks: a free loopback port, persistence off. Fails with a
// clear message when the package is missing (.ci/run installs it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function launch(port, core) {
  if (!existsSync('/usr/bin/redis-server')) throw new Error('redis-server not found: run .ci/run or apt-get install redis-server');
  const argv = ['/usr/bin/redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = core === undefined ? spawn(argv[0], argv.slice(1)) : spawn('taskset', ['-c', String(core), ...argv]);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (bytes) => {
      out += bytes;
      if (out.includes('Ready to accept connections')) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${out}`)));
  });
}

/** `{ port, url, start(), stop(signal) }`; `start()` again after `stop()` brings it back, empty, on the same port. */
export async function startRedis({ core } = {}) {
  const port = await freePort();
  let child = await launch(port, core);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    start: async () => {
      if (child === undefined) child = await launch(port, core);
    },
    stop: async (signal = 'SIGTERM') => {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      await new Promise((resolve) => {
        running.once('exit', resolve);
        running.kill(signal);
      });
    },
  };
}
