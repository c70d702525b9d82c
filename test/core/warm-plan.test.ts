/**
 * How many warm servers a catalog asks for, against what instances hold (core/warm/warm-plan):
 * one per profile of a flavor's type up to `warm`, only into free capacity and free GPUs, given up
 * the last kept first when instances take the slots, and stopped when the catalog no longer asks for them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeFlavor, completeProfile } from '../../src/core/model/builtin-catalog.js';
import { Catalog, type Flavor } from '../../src/core/model/catalog.js';
import { planWarm } from '../../src/core/warm/warm-plan.js';

const cpu = (extra: Partial<Flavor>) => completeFlavor({ name: 'cpu', type: 'CPU', params: { CPU: 1 }, ...extra });
const gpu = (name: string, extra: Partial<Flavor>) =>
  completeFlavor({ name, type: 'GPU', params: { GPU: 1 }, ...extra });
const profiles = [
  completeProfile({ id: 'a', flavor_types: ['CPU'] }),
  completeProfile({ id: 'b', flavor_types: ['CPU'] }),
  completeProfile({ id: 'g', flavor_types: ['GPU'] }),
];
const catalog = (flavors: Flavor[], hostGpus: number | null = null) =>
  new Catalog({ profiles, flavors, pools: [], workspaces: [] }, hostGpus);
const slot = (instanceId: string, flavor: string, profileId: string) => ({ instanceId, flavor, profileId });
const none = new Map<string, number>();

describe('warm plan', () => {
  it('asks for `warm` servers per profile of the flavor’s type, and none for flavors without', () => {
    const plan = planWarm(catalog([cpu({ warm: 2 }), gpu('g1', {})]), none, []);
    assert.deepEqual(plan, {
      start: [
        { flavor: 'cpu', profileId: 'a' },
        { flavor: 'cpu', profileId: 'a' },
        { flavor: 'cpu', profileId: 'b' },
        { flavor: 'cpu', profileId: 'b' },
      ],
      stop: [],
    });
    assert.deepEqual(planWarm(catalog([cpu({ warm: 1 })]), none, [slot('s1', 'cpu', 'a'), slot('s2', 'cpu', 'b')]), {
      start: [],
      stop: [],
    });
  });

  it('starts servers only into free capacity, counting instances and kept servers alike', () => {
    const flavors = [cpu({ warm: 2, capacity: 3 })];
    assert.equal(planWarm(catalog(flavors), new Map([['cpu', 2]]), []).start.length, 1);
    assert.deepEqual(planWarm(catalog(flavors), new Map([['cpu', 1]]), [slot('s1', 'cpu', 'a')]).start, [
      { flavor: 'cpu', profileId: 'a' },
    ]);
    assert.deepEqual(planWarm(catalog(flavors), new Map([['cpu', 3]]), []).start, []);
  });

  it('gives slots up, the last kept first, when instances took them', () => {
    const kept = [slot('old', 'cpu', 'a'), slot('new', 'cpu', 'b')];
    assert.deepEqual(planWarm(catalog([cpu({ warm: 1, capacity: 3 })]), new Map([['cpu', 2]]), kept), {
      start: [],
      stop: ['new'],
    });
    assert.deepEqual(planWarm(catalog([cpu({ warm: 1, capacity: 3 })]), new Map([['cpu', 3]]), kept).stop, [
      'new',
      'old',
    ]);
  });

  it('counts the host’s GPUs over every GPU flavor', () => {
    const flavors = [gpu('g1', { warm: 1 }), gpu('g2', { warm: 1, params: { GPU: 2 } })];
    // 3 GPUs: g1's server (1) fits, then g2's (2) does too; with one held by an instance, only g1's.
    assert.equal(planWarm(catalog(flavors, 3), none, []).start.length, 2);
    assert.deepEqual(planWarm(catalog(flavors, 3), new Map([['g1', 1]]), []).start, [{ flavor: 'g1', profileId: 'g' }]);
    assert.deepEqual(planWarm(catalog(flavors, 2), new Map([['g1', 1]]), [slot('w', 'g2', 'g')]).stop, ['w']);
  });

  it('stops servers the catalog no longer asks for: a lowered warm, a removed flavor or profile', () => {
    const kept = [slot('s1', 'cpu', 'a'), slot('s2', 'cpu', 'a'), slot('gone', 'old', 'a'), slot('p', 'cpu', 'x')];
    assert.deepEqual(planWarm(catalog([cpu({ warm: 1 })]), none, kept), {
      start: [{ flavor: 'cpu', profileId: 'b' }],
      stop: ['s2', 'gone', 'p'],
    });
    assert.deepEqual(planWarm(catalog([cpu({ warm: 0 })]), none, kept).stop, ['s1', 's2', 'gone', 'p']);
  });
});
