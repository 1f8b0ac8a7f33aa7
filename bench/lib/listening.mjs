// Ports and readiness for the bench's server processes.
import { createServer } from 'node:net';
import { request as undiciRequest } from 'undici';

/** A loopback port free at the moment of asking. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `url`'s `/health/readiness` answers 200, polling every 50 ms; throws after `attempts` tries. */
export async function waitReady(url, attempts = 600) {
  for (let i = 0; i < attempts; i++) {
    try {
      const { statusCode, body } = await undiciRequest(`${url}/health/readiness`);
      await body.dump();
      if (statusCode === 200) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not become ready`);
}
