// Preloaded into the proxy under soak (`node --expose-gc --import tsx --import ./bench/soak/heap-probe.ts ...`):
// reports the V8 heap over the IPC channel the soak opened, once a second, and every 15 s the live
// heap: what is left after a full collection it forces (with --expose-gc). The heap between those
// is a GC sawtooth (29 → 112 → 34 MiB within minutes); only the live heap shows a leak. It lives
// outside the product, so the proxy gets no debug route for it; without an IPC channel it does nothing.
const send = process.send?.bind(process);
const gc = (globalThis as { gc?: () => void }).gc;
if (send !== undefined) {
  // The channel must not keep a proxy that was told to stop alive.
  process.channel?.unref();
  let tick = 0;
  setInterval(() => {
    tick += 1;
    if (gc !== undefined && tick % 15 === 0) {
      gc();
      const liveHeap = process.memoryUsage().heapUsed;
      send({ heapUsed: liveHeap, liveHeap });
    } else send({ heapUsed: process.memoryUsage().heapUsed });
  }, 1_000).unref();
}
export {};
