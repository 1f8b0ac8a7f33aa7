/**
 * A real `redis-server` (Debian's package) for the Redis store's specs: started on a free loopback
 * port with persistence off, stopped after. No mock of Redis stands in for it, and a machine without
 * it fails the specs (they never skip):
 *
 *   const redis = await startRedisServer();
 *   // ... routers with redisDeploymentStore({ url: redis.url }) ...
 *   await redis.stop('SIGKILL'); // Redis dies under load
 *   await redis.start();         // and comes back, empty, on the same port
 *   await redis.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Starts it again on the same port (empty: persistence is off). */
  start(): Promise<void>;
  /** Stops it (SIGTERM by default; SIGKILL to kill it as a crash would) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const notFound = 'redis-server not found: run .ci/run or apt-get install redis-server';

function binary(): string {
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  const onPath = (process.env['PATH'] ?? '').split(':').find((dir) => dir !== '' && existsSync(`${dir}/redis-server`));
  if (onPath === undefined) throw new Error(notFound);
  return `${onPath}/redis-server`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server says it accepts connections; rejects with its output if it exits first. */
function launch(path: string, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s on port ${port}:\n${output}`));
    }, 10_000);
    const onData = (data: Buffer): void => {
      output += data.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(notFound) : error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${String(code)}) before accepting connections on port ${port}:\n${output}`));
    });
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const path = binary();
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the free port between the probe and the start: try a few.
  for (let attempt = 0; child === undefined; attempt += 1) {
    port = await freePort();
    try {
      child = await launch(path, port);
    } catch (error) {
      if (attempt >= 2 || (error as Error).message === notFound) throw error;
    }
  }
  let current: ChildProcess | undefined = child;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      if (current !== undefined) return;
      current = await launch(path, port);
    },
    stop: async (signal = 'SIGTERM') => {
      const running = current;
      current = undefined;
      if (running === undefined || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill(signal);
      });
    },
  };
}
