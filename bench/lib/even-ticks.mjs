// Spreads periodic work evenly: members are dealt round-robin into `slotCount` slots, and each slot
// is visited once per `periodMs`, one slot every periodMs / slotCount ms. A 1 ms timer catches up on
// every slot that fell due since the last visit, so a late timer does not lower the rate.
import { nowMs } from './stats.mjs';

export function evenTicks({ slotCount, periodMs, visit }) {
  const slots = Array.from({ length: slotCount }, () => new Set());
  const slotMs = periodMs / slotCount;
  const startedAt = nowMs();
  let nextSlot = 0;
  let visited = 0;
  const timer = setInterval(() => {
    const due = Math.floor((nowMs() - startedAt) / slotMs);
    for (; visited < due; visited++) for (const member of slots[visited % slotCount]) visit(member);
  }, Math.max(1, Math.min(slotMs, 100)));
  timer.unref();
  return {
    add(member) {
      const slot = slots[nextSlot];
      nextSlot = (nextSlot + 1) % slotCount;
      slot.add(member);
      return () => slot.delete(member);
    },
  };
}
