/**
 * Samples another process's resident memory and open file descriptors from /proc once a second
 * (no code runs inside it for that), and its V8 heap when it reports one (heap-probe.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ResourceSample {
  /** Seconds since sampling started. */
  readonly atS: number;
  readonly rssKiB: number;
  readonly fds: number;
  /** The last heap the process reported, if it reports one. */
  readonly heapUsedKiB: number | undefined;
  /** The heap after a full GC the probe forced (every 15 s), when this sample has one. */
  readonly liveHeapKiB?: number | undefined;
}

/** VmRSS (KiB) and the number of open fds of `pid`, from /proc; undefined once it is gone. */
export function readProcess(pid: number): { rssKiB: number; fds: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
    return { rssKiB: Number(rss ?? Number.NaN), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined;
  }
}

export interface ProcessSampler {
  readonly samples: readonly ResourceSample[];
  /** The heap the process reported last (bytes), and its live heap after a forced full GC when it measured one. */
  reportHeap(heapUsedBytes: number, liveHeapBytes?: number): void;
  stop(): void;
}

export function sampleProcess(pid: number, everyMs = 1_000): ProcessSampler {
  const samples: ResourceSample[] = [];
  const started = performance.now();
  let heapUsedKiB: number | undefined;
  let liveHeapKiB: number | undefined;
  const take = (): void => {
    const now = readProcess(pid);
    if (now !== undefined) samples.push({ atS: (performance.now() - started) / 1000, ...now, heapUsedKiB, liveHeapKiB });
    liveHeapKiB = undefined; // one sample per measurement
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    reportHeap: (bytes, live) => {
      heapUsedKiB = bytes / 1024;
      if (live !== undefined) liveHeapKiB = live / 1024;
    },
    stop: () => clearInterval(timer),
  };
}
