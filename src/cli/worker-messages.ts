import type { ListenAddress } from '../proxy/create-proxy-server.js';

// What the primary and its workers say to each other over the cluster's IPC channel. The `rxllm`
// key keeps them apart from node:cluster's own messages and from anything else a worker might send.

/** From a worker: it listens (its address), or it could not start (the line to print, said once by the primary). */
export type WorkerReport = { readonly rxllm: 'listening'; readonly address: ListenAddress } | { readonly rxllm: 'failed'; readonly message: string };

/** From the primary: stop as the worker would on this signal (drain; a second one aborts in-flight calls). */
export interface WorkerStop {
  readonly rxllm: 'stop';
  readonly signal: NodeJS.Signals;
}

function tagged(message: unknown): message is { rxllm: unknown } {
  return typeof message === 'object' && message !== null && 'rxllm' in message;
}

export function isWorkerReport(message: unknown): message is WorkerReport {
  return tagged(message) && (message.rxllm === 'listening' || message.rxllm === 'failed');
}

export function isWorkerStop(message: unknown): message is WorkerStop {
  return tagged(message) && message.rxllm === 'stop' && 'signal' in message && (message.signal === 'SIGTERM' || message.signal === 'SIGINT');
}
