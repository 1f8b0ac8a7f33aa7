/** The window the budget counts over, in one-second slots. */
const slots = 60;
const slotMs = 1000;

/**
 * `hedge_budget` of one model group (DESIGN §12): hedges may add at most `ratio` extra attempts per
 * hedged attempt, counted over the last minute of the router's clock. A fixed ring of one-second
 * slots, so a busy group costs the same memory as a quiet one and nothing needs a timer: a slot is
 * cleared when the clock comes round to it again.
 *
 * It is what keeps hedging from feeding an overload: when a provider slows down for everyone, every
 * call would hedge and double the load on the group; the budget caps that at `ratio`.
 */
export class HedgeBudget {
  private readonly attempts = new Float64Array(slots);
  private readonly hedges = new Float64Array(slots);
  /** The second each slot counts; a slot from an older minute is stale. */
  private readonly seconds = new Float64Array(slots).fill(-1);

  constructor(readonly ratio: number) {}

  /** An attempt that may be hedged has started. */
  attemptStarted(now: number): void {
    const index = this.slot(now);
    this.attempts[index] = (this.attempts[index] as number) + 1;
  }

  /** Takes one hedge from the budget when the last minute leaves room for it. */
  tryHedge(now: number): boolean {
    const current = this.slot(now);
    let attempts = 0;
    let hedges = 0;
    const second = Math.floor(now / slotMs);
    for (let index = 0; index < slots; index += 1) {
      if ((this.seconds[index] as number) <= second - slots) continue;
      attempts += this.attempts[index] as number;
      hedges += this.hedges[index] as number;
    }
    if (hedges + 1 > this.ratio * attempts) return false;
    this.hedges[current] = (this.hedges[current] as number) + 1;
    return true;
  }

  /** The slot of `now`, cleared first when it last counted another second. */
  private slot(now: number): number {
    const second = Math.floor(now / slotMs);
    const index = second % slots;
    if (this.seconds[index] !== second) {
      this.seconds[index] = second;
      this.attempts[index] = 0;
      this.hedges[index] = 0;
    }
    return index;
  }
}
