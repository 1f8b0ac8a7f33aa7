import { describe, expect, it } from 'vitest';
import { initialDeploymentState } from '../../../src/deployments/deployment-state.js';
import { decodeFleetMessage, encodeFleetMessage, fleetMessagePrefix, type FleetMessage } from '../../../src/deployments/redis/fleet-message.js';
import { FleetView } from '../../../src/deployments/redis/fleet-view.js';
import { emptyRemote, mergeFleetState } from '../../../src/deployments/redis/merge-fleet-state.js';

const now = 1_000_000;
const own = {
  ...initialDeploymentState('d', 'g'),
  inFlight: 2,
  usage: { minute: 960_000, requests: 3, tokens: 30 },
  health: [{ at: 999_000, calls: 2, failures: 1, failuresByKind: { server: 1 } }],
};

const message = (fields: Partial<FleetMessage>): FleetMessage => ({
  instance: 'other',
  leaseTtlMs: 3000,
  cooldowns: [],
  recovered: [],
  health: [],
  usage: [],
  leases: [],
  allLeases: false,
  ...fields,
});

describe('mergeFleetState: one deployment as the fleet sees it', () => {
  it('adds the others’ live leases, this minute’s usage and health per second; the later cooldown wins', () => {
    const merged = mergeFleetState(
      own,
      {
        cooldownUntil: now + 5000,
        cooldownReason: 'rate_limit_exceeded',
        health: [
          { at: 930_000, calls: 9, failures: 9, failuresByKind: { server: 9 } }, // over a minute old at `now`
          { at: 999_000, calls: 3, failures: 2, failuresByKind: { server: 1, timeout: 1 } },
        ],
        usage: { minute: 960_000, requests: 4, tokens: 40 },
        leases: new Map([
          ['i1', { count: 3, expiresAt: now + 1 }],
          ['dead', { count: 5, expiresAt: now }],
        ]),
      },
      now,
    );
    expect(merged.inFlight).toBe(5);
    expect(merged.usage).toEqual({ minute: 960_000, requests: 7, tokens: 70 });
    expect(merged.health).toEqual([{ at: 999_000, calls: 5, failures: 3, failuresByKind: { server: 2, timeout: 1 } }]);
    expect([merged.cooldownUntil, merged.cooldownReason]).toEqual([now + 5000, 'rate_limit_exceeded']);
    expect(merged.totals).toBe(own.totals);
  });

  it('usage of an older minute counts for nothing; an own cooldown ending later is kept', () => {
    const cooling = { ...own, cooldownUntil: now + 9000, cooldownReason: 'internal_server_error' };
    const merged = mergeFleetState(cooling, { ...emptyRemote, cooldownUntil: now + 1000, cooldownReason: 'x', usage: { minute: 900_000, requests: 50, tokens: 0 } }, now);
    expect(merged.usage).toBe(own.usage);
    expect([merged.cooldownUntil, merged.cooldownReason]).toEqual([now + 9000, 'internal_server_error']);
  });
});

describe('FleetView: the mirror of the other instances', () => {
  it('turns ms remaining into local time, so another clock’s skew does not matter', () => {
    const view = new FleetView(new Set(['d']));
    view.apply(message({ cooldowns: [['d', 4000, 'rate_limit_exceeded', 5000]] }), now);
    expect(view.get('d')?.cooldownUntil).toBe(now + 4000);
  });

  it('a heartbeat keeps an instance’s leases alive; silence lets them expire; a heartbeat replaces them all', () => {
    const view = new FleetView(new Set(['d', 'e']));
    view.apply(message({ leases: [['d', 2], ['e', 1]] }), now);
    view.apply(message({}), now + 2000);
    expect(view.get('d')?.leases.get('other')).toEqual({ count: 2, expiresAt: now + 5000 });
    view.apply(message({ leases: [['e', 4]], allLeases: true }), now + 2500);
    expect(view.get('d')?.leases.has('other')).toBe(false);
    expect(view.get('e')?.leases.get('other')?.count).toBe(4);
    expect([...view.sweep(now + 5500)]).toEqual(['e']);
    expect(view.get('e')?.leases.size).toBe(0);
  });

  it('a re-read never undoes a push that arrived while it was under way', () => {
    const view = new FleetView(new Set(['d']));
    view.apply(message({ cooldowns: [['d', 4000, 'rate_limit_exceeded', 5000]], usage: [['d', 5, 50]], leases: [['d', 2]] }), now);
    const read = { ...emptyRemote, usage: { minute: 960_000, requests: 3, tokens: 70 }, leases: new Map([['third', { count: 1, expiresAt: now + 3000 }]]) };
    view.reread('d', read, new Set());
    const merged = view.get('d');
    expect([merged?.cooldownUntil, merged?.cooldownReason]).toEqual([now + 4000, 'rate_limit_exceeded']);
    expect(merged?.usage).toEqual({ minute: 960_000, requests: 5, tokens: 70 });
    expect([...(merged?.leases.keys() ?? [])].sort()).toEqual(['other', 'third']);
  });

  it('ignores deployments this config does not have', () => {
    const view = new FleetView(new Set(['d']));
    expect([...view.apply(message({ cooldowns: [['elsewhere', 1000, 'x', 1000]], usage: [['elsewhere', 1, 1]] }), now)]).toEqual([]);
    expect(view.get('elsewhere')).toBeUndefined();
  });
});

describe('fleet messages on the wire', () => {
  it('round-trip, and anything else on the channel is ignored', () => {
    const sent = message({ cooldowns: [['d', 10, 'x', 10]], recovered: ['d'], health: [['d', 2, 1, { server: 1 }]], usage: [['d', 1, 5]], leases: [['d', 0]] });
    expect(decodeFleetMessage(encodeFleetMessage(sent))).toEqual(sent);
    // An instance recognises its own messages by their start, without parsing them.
    expect(encodeFleetMessage(sent).startsWith(fleetMessagePrefix('other'))).toBe(true);
    expect(encodeFleetMessage(sent).startsWith(fleetMessagePrefix('othe'))).toBe(false);
    for (const stray of ['hello', '{}', '[1]', JSON.stringify({ v: 2, i: 'x', t: 1 }), JSON.stringify({ v: 1, i: 'x', t: -1 })]) {
      expect(decodeFleetMessage(stray)).toBeUndefined();
    }
    expect(decodeFleetMessage(JSON.stringify({ v: 1, i: 'x', t: 1, c: [['d', 'soon', 'x']], f: [['d', -1]] }))).toMatchObject({ cooldowns: [], leases: [] });
  });
});
