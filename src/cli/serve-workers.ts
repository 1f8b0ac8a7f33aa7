import cluster, { type Worker } from 'node:cluster';
import { asyncScheduler, timer, type SchedulerLike, type Subscription } from 'rxjs';
import type { ProxyConfig } from '../config/parse-proxy-config.js';
import { logfmt, type LogValue } from '../proxy/logfmt.js';
import { atLeast, type LogLevel } from './log-level.js';
import { onStopSignals } from './on-stop-signals.js';
import { defaultRestartPolicy, restartDelay, type RestartPolicy } from './restart-backoff.js';
import type { CliIo } from './run-cli.js';
import { startupLines } from './startup-lines.js';
import { isWorkerReport, type WorkerReport, type WorkerStop } from './worker-messages.js';

export interface ServeWorkersOptions {
  /** The command line the workers run (the primary's own): each worker loads the same config. */
  readonly argv: readonly string[];
  readonly count: number;
  readonly configPath: string;
  /** Already loaded by the primary, for the startup lines; the workers load their own. */
  readonly config: ProxyConfig;
  readonly level: LogLevel;
  /**
   * How long workers get to stop after the first signal before they are killed: a worker drains
   * for up to 30 s (the proxy's drain time), then lets aborted answers flush for 1 s; this leaves a
   * margin past both. Default 35 s.
   */
  readonly stopTimeoutMs?: number;
  readonly restartPolicy?: RestartPolicy;
  readonly scheduler?: SchedulerLike;
}

/** One of the N places a worker runs in; a worker that dies is replaced in the same slot. */
interface Slot {
  /** 1..N, stable across restarts (the pid is not). */
  readonly index: number;
  worker: Worker | undefined;
  startedAt: number;
  listening: boolean;
  /** Quick deaths in a row, for the restart back-off. */
  streak: number;
  restart: Subscription | undefined;
}

const defaultStopTimeoutMs = 35_000;

/**
 * The primary of `rxllm --num_workers N`: forks N workers that each serve the proxy on the one
 * port, and serves nothing itself. It prints the startup lines once all N listen, replaces a worker
 * that dies (with a growing wait in a crash loop), and on SIGTERM/SIGINT relays the signal to every
 * worker, which drains as a lone process does; it resolves with 0 once all have exited. A second
 * signal is relayed too (the workers abort their in-flight calls); workers still running
 * `stopTimeoutMs` after the first are killed, and the exit code is 1. A worker that cannot start
 * (port taken) stops the others: its reason is printed once, exit code 1.
 */
export function serveWorkers(io: CliIo, options: ServeWorkersOptions): Promise<number> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const policy = options.restartPolicy ?? defaultRestartPolicy;
  const write = atLeast(options.level, io.stdout);
  const log = (level: string, msg: string, fields: Record<string, LogValue> = {}): void => {
    write(logfmt({ time: new Date(scheduler.now()).toISOString(), level, msg, ...fields }));
  };
  // The workers run the same entry script with the same node flags (process.execArgv, e.g. tsx's
  // --import) by default; the arguments are runCli's own, whoever called it.
  cluster.setupPrimary({ args: [...options.argv] });
  // node:cluster's scheduling policy is left at its default on Linux, round-robin: the primary
  // accepts each connection and hands it to the next worker. The alternative (SCHED_NONE: every
  // worker accepts on the shared socket) lets the kernel wake whichever worker it likes, and in
  // practice that piles connections onto one or two of them — for a proxy whose clients hold
  // keep-alive connections for hours, an unlucky start would stay unbalanced. The primary's cost is
  // one handoff per connection, not per request.

  return new Promise<number>((resolve) => {
    let phase: 'starting' | 'serving' | 'stopping' = 'starting';
    let exitCode = 0;
    let bySignal = false;
    let backstop: Subscription | undefined;
    const slots: Slot[] = Array.from({ length: options.count }, (_, i) => ({
      index: i + 1,
      worker: undefined,
      startedAt: 0,
      listening: false,
      streak: 0,
      restart: undefined,
    }));
    const running = (): Slot[] => slots.filter((slot) => slot.worker !== undefined);

    const send = (worker: Worker, message: WorkerStop): void => {
      // A callback, so that a worker already gone is not an 'error' event (which would end the primary).
      if (worker.isConnected()) worker.send(message, undefined, () => {});
    };

    const finish = (): void => {
      backstop?.unsubscribe();
      stopListening();
      if (bySignal) log('info', 'stopped', { workers: options.count });
      resolve(exitCode);
    };

    const stopAll = (signal: NodeJS.Signals): void => {
      phase = 'stopping';
      for (const slot of slots) {
        slot.restart?.unsubscribe();
        slot.restart = undefined;
        if (slot.worker !== undefined) send(slot.worker, { rxllm: 'stop', signal });
      }
      backstop ??= timer(options.stopTimeoutMs ?? defaultStopTimeoutMs, scheduler).subscribe(() => {
        exitCode = 1;
        const pids = running().map((slot) => slot.worker?.process.pid);
        log('error', 'workers did not stop in time: killing them', { pids: pids.join(',') });
        for (const slot of running()) slot.worker?.process.kill('SIGKILL');
      });
      if (running().length === 0) finish();
    };

    const onReport = (slot: Slot, worker: Worker, report: WorkerReport): void => {
      if (report.rxllm === 'failed') {
        if (phase === 'starting') {
          io.stderr(report.message);
          exitCode = 1;
          stopAll('SIGTERM');
        } else if (phase === 'serving') {
          log('warn', 'worker failed to start', { worker: slot.index, pid: worker.process.pid, error: report.message });
        }
        return;
      }
      slot.listening = true;
      if (phase === 'stopping') {
        // Forked before the stop and listening only now: it may have missed the first message.
        send(worker, { rxllm: 'stop', signal: 'SIGTERM' });
      } else if (phase === 'serving') {
        log('info', 'worker restarted', { worker: slot.index, pid: worker.process.pid });
      } else if (slots.every((each) => each.listening)) {
        phase = 'serving';
        const pids = slots.flatMap((each) => (each.worker?.process.pid === undefined ? [] : [each.worker.process.pid]));
        // Written whatever the level, as a lone process writes them.
        for (const line of startupLines(report.address, options.configPath, options.config, pids)) io.stdout(line);
      }
    };

    const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null): void => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.listening = false;
      const fields = { worker: slot.index, pid: worker.process.pid, code: code ?? undefined, signal: signal ?? undefined };
      if (phase === 'stopping') {
        if (code !== 0) {
          exitCode = 1;
          if (bySignal) log('warn', 'worker stopped abnormally', fields);
        }
        if (running().length === 0) finish();
        return;
      }
      if (phase === 'starting') {
        // A worker that said why it failed was already reported; one that just died was not.
        if (exitCode === 0) io.stderr(`rxllm: worker ${slot.index} exited before it was listening (${signal ?? `exit code ${code}`})`);
        exitCode = 1;
        stopAll('SIGTERM');
        return;
      }
      const next = restartDelay(slot.streak, scheduler.now() - slot.startedAt, policy);
      slot.streak = next.streak;
      log('warn', 'worker exited unexpectedly: restarting it', { ...fields, restart_in_ms: next.delayMs });
      slot.restart = timer(next.delayMs, scheduler).subscribe(() => {
        slot.restart = undefined;
        fork(slot);
      });
    };

    const fork = (slot: Slot): void => {
      const worker = cluster.fork();
      slot.worker = worker;
      slot.startedAt = scheduler.now();
      slot.listening = false;
      worker.on('message', (message: unknown) => {
        if (isWorkerReport(message)) onReport(slot, worker, message);
      });
      worker.on('exit', (code: number | null, signal: string | null) => onExit(slot, worker, code, signal));
    };

    const stopListening = onStopSignals(io.signals, {
      first: (signal) => {
        bySignal = true;
        log('info', 'shutting down: every worker refuses new calls and drains its in-flight calls', { signal, workers: running().length });
        stopAll(signal);
      },
      again: (signal) => {
        log('warn', 'second signal: workers abort their in-flight calls', { signal });
        for (const slot of running()) if (slot.worker !== undefined) send(slot.worker, { rxllm: 'stop', signal });
      },
    });

    for (const slot of slots) fork(slot);
  });
}
