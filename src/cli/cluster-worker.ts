import cluster from 'node:cluster';
import { EventEmitter } from 'node:events';
import type { StopSignalSource } from './on-stop-signals.js';
import { isWorkerStop, type WorkerReport } from './worker-messages.js';

// A worker's side of `--num_workers`: how it talks to its primary and hears it.

/** Whether this process is a worker forked by `rxllm --num_workers` (not a lone process, not the primary). */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** Tells the primary; a primary already gone is no error (node:cluster ends the worker then anyway). */
export function tellPrimary(report: WorkerReport): void {
  process.send?.(report, undefined, undefined, () => {});
}

/**
 * The worker's SIGTERM and SIGINT: its own (a terminal's Ctrl-C reaches the whole process group)
 * and those its primary relays as messages (`kill <primary pid>` reaches the primary alone), as
 * one source, so the worker drains exactly as a lone process does. `close()` stops listening.
 */
export function workerSignals(): { readonly signals: StopSignalSource; close(): void } {
  const signals = new EventEmitter();
  const relaySignal = (signal: NodeJS.Signals): void => {
    signals.emit(signal, signal);
  };
  const relayMessage = (message: unknown): void => {
    if (isWorkerStop(message)) signals.emit(message.signal, message.signal);
  };
  process.on('SIGTERM', relaySignal);
  process.on('SIGINT', relaySignal);
  process.on('message', relayMessage);
  return {
    signals,
    close() {
      process.off('SIGTERM', relaySignal);
      process.off('SIGINT', relaySignal);
      process.off('message', relayMessage);
    },
  };
}

/** Leaves the cluster once stopped: the IPC channel to the primary would otherwise keep the worker alive. */
export function leaveCluster(): void {
  cluster.worker?.disconnect();
}
