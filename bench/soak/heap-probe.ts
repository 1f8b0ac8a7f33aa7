// Preloaded into the proxy under soak (`node --import tsx --import ./bench/soak/heap-probe.ts ...`):
// reports the V8 heap over the IPC channel the soak opened, once a second. It lives outside the
// product, so the proxy gets no debug route for it; without an IPC channel it does nothing.
const send = process.send?.bind(process);
if (send !== undefined) {
  // The channel must not keep a proxy that was told to stop alive.
  process.channel?.unref();
  setInterval(() => {
    send({ heapUsed: process.memoryUsage().heapUsed });
  }, 1_000).unref();
}
export {};
