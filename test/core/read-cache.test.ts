/**
 * The read cache behind token lookups and view counts: exact within a process (a write makes every
 * entry read before it stale, even one whose load was still running), bounded in age for what
 * other replicas write, one load per burst of misses, and failures never cached.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { Generation, ReadCache } from '../../src/core/shared/read-cache.js';

function counting<V>(values: V[]) {
  let calls = 0;
  return {
    load: async () => values[Math.min(calls++, values.length - 1)]!,
    get calls() {
      return calls;
    },
  };
}

function deferred<V>() {
  let resolve!: (value: V) => void;
  const promise = new Promise<V>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ReadCache', () => {
  it('serves a cached value until a write through this process bumps the generation', async () => {
    const generation = new Generation();
    const cache = new ReadCache<string, string>(generation, 60_000, 100, new ManualClock());
    const source = counting(['first', 'second']);
    assert.equal(await cache.get('k', source.load), 'first');
    assert.equal(await cache.get('k', source.load), 'first');
    assert.equal(source.calls, 1);
    generation.bump();
    assert.equal(await cache.get('k', source.load), 'second');
    assert.equal(source.calls, 2);
  });

  it('reads again once an entry is older than its time to live (a change made by another replica)', async () => {
    const clock = new ManualClock();
    const cache = new ReadCache<string, string>(new Generation(), 1_000, 100, clock);
    const source = counting(['old', 'new']);
    assert.equal(await cache.get('k', source.load), 'old');
    clock.advance(999);
    assert.equal(await cache.get('k', source.load), 'old');
    clock.advance(1);
    assert.equal(await cache.get('k', source.load), 'new');
  });

  it('loads once for a burst of misses on one key', async () => {
    const cache = new ReadCache<string, number>(new Generation(), 60_000, 100, new ManualClock());
    const gate = deferred<number>();
    let calls = 0;
    const load = () => {
      calls += 1;
      return gate.promise;
    };
    const all = Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]);
    gate.resolve(7);
    assert.deepEqual(await all, [7, 7, 7]);
    assert.equal(calls, 1);
  });

  it('neither keeps nor lends out a value whose load began before a write', async () => {
    const generation = new Generation();
    const cache = new ReadCache<string, string>(generation, 60_000, 100, new ManualClock());
    const slow = deferred<string>();
    const before = cache.get('k', () => slow.promise);
    generation.bump();
    // A caller after the write does not join the load that may have read the old row.
    const after = cache.get('k', async () => 'fresh');
    slow.resolve('stale');
    assert.equal(await before, 'stale');
    assert.equal(await after, 'fresh');
    assert.equal(await cache.get('k', async () => 'unused'), 'fresh');
  });

  it('does not cache a failed load', async () => {
    const cache = new ReadCache<string, string>(new Generation(), 60_000, 100, new ManualClock());
    await assert.rejects(
      cache.get('k', async () => Promise.reject(new Error('no such token'))),
      /no such token/,
    );
    assert.equal(await cache.get('k', async () => 'found'), 'found');
  });

  it('keeps at most maxEntries keys, dropping the oldest', async () => {
    const cache = new ReadCache<number, number>(new Generation(), 60_000, 2, new ManualClock());
    for (const key of [1, 2, 3]) await cache.get(key, async () => key);
    let reloaded = 0;
    await cache.get(1, async () => ++reloaded);
    await cache.get(3, async () => ++reloaded);
    assert.equal(reloaded, 1, 'key 1 was dropped, key 3 kept');
  });
});
