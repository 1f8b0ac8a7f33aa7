// DESIGN §12 as seen on `events$`: which deployments are half-open, and which attempts are their
// probes, at every point of one run's log. Replayed from the events alone, so that the invariants
// check the router's own bookkeeping (`probeStarted.probesInFlight`) against what callers did.
import type { RouterEvent } from '../../src/router/router-events.js';
import { events } from './outcome-queries.js';
import type { Outcome } from './run-scenario.js';

/** One deployment's half-open spell: the calls whose attempts are its probes, still in flight. */
interface Spell {
  readonly probes: Set<number>;
}

export interface HalfOpenTracker {
  /** `cooldown_probe_requests` of the run's router. */
  readonly limit: number;
  /** The probes of `deployment` in flight just before the event at log index `index`; undefined when it was not half-open. */
  probesBefore(deployment: string, index: number): ReadonlySet<number> | undefined;
}

/**
 * Replays the run's events: a `cooldownEnded` opens a spell (when probes are on), `probeStarted`
 * makes the deployment's next attempt a probe of it (its deployment hears of an attempt just before
 * `attemptStarted` goes out), its end takes it out, and `probeSucceeded` or `cooldownStarted`
 * closes the spell.
 */
export function trackHalfOpen(outcome: Outcome): HalfOpenTracker {
  const limit = outcome.scenario.router.settings.cooldown_probe_requests ?? 1;
  const spells = new Map<string, Spell>();
  const probing = new Set<string>();
  const snapshots: { readonly index: number; readonly spells: ReadonlyMap<string, ReadonlySet<number>> }[] = [];
  const apply = (event: RouterEvent): void => {
    switch (event.type) {
      case 'attemptStarted':
        if (probing.delete(event.deployment)) spells.get(event.deployment)?.probes.add(event.call);
        return;
      case 'attemptSucceeded':
      case 'attemptFailed':
      case 'attemptCancelled':
        spells.get(event.deployment)?.probes.delete(event.call);
        return;
      case 'cooldownEnded':
        if (limit > 0) spells.set(event.deployment, { probes: new Set() });
        return;
      case 'probeStarted':
        probing.add(event.deployment);
        return;
      case 'probeSucceeded':
      case 'cooldownStarted':
        spells.delete(event.deployment);
        return;
      default:
        return;
    }
  };
  for (const { index, event } of events(outcome)) {
    snapshots.push({ index, spells: new Map([...spells].map(([id, spell]) => [id, new Set(spell.probes)])) });
    apply(event);
  }
  return {
    limit,
    probesBefore(deployment, index) {
      const snapshot = snapshots.find((entry) => entry.index >= index);
      if (snapshot === undefined) {
        const spell = spells.get(deployment);
        return spell === undefined ? undefined : spell.probes;
      }
      return snapshot.spells.get(deployment);
    },
  };
}
