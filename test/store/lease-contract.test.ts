/**
 * @module test/store/lease-contract
 * The lease part of the `Store` contract, on every implementation: who may take a named lease and
 * when, renewal, expiry, release, and exactly one winner among replicas racing for it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { T0 } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

const TTL = 30_000;

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: leases (${factory.name})`, () => {
    const c = contractCase(factory);

    /** Five stores on the case's database, standing for five replicas (five pools on PostgreSQL). */
    function replicas(): Store[] {
      return [c.store, ...Array.from({ length: 4 }, () => c.track(c.database.connect()))];
    }

    /** Holders `racer-0` … `racer-19` call `acquire` at once, spread over the replicas. */
    async function race(name: string, now: number): Promise<string[]> {
      const stores = replicas();
      const holders = Array.from({ length: 20 }, (_, i) => `racer-${i}`);
      const results = await Promise.all(
        holders.map((holder, i) => stores[i % stores.length]!.leases.acquire(name, holder, TTL, now)),
      );
      return holders.filter((_, i) => results[i]);
    }

    it('takes a free lease, and reports its holder', async () => {
      assert.equal(await c.store.leases.holder('reconciler', T0), undefined);
      assert.equal(await c.store.leases.acquire('reconciler', 'a', TTL, T0), true);
      assert.equal(await c.store.leases.holder('reconciler', T0), 'a');
      assert.equal(await c.store.leases.holder('reconciler', T0 + TTL - 1), 'a');
      assert.equal(await c.store.leases.holder('scheduler', T0), undefined);
    });

    it('refuses a second holder while the lease is unexpired', async () => {
      await c.store.leases.acquire('reconciler', 'a', TTL, T0);
      assert.equal(await c.store.leases.acquire('reconciler', 'b', TTL, T0 + 1), false);
      assert.equal(await c.store.leases.acquire('reconciler', 'b', TTL, T0 + TTL - 1), false);
      assert.equal(await c.store.leases.holder('reconciler', T0 + 1), 'a');
    });

    it('lets the holder renew, extending the expiry', async () => {
      await c.store.leases.acquire('reconciler', 'a', TTL, T0);
      assert.equal(await c.store.leases.acquire('reconciler', 'a', TTL, T0 + 10_000), true);
      // Past the first expiry, the renewal still holds.
      assert.equal(await c.store.leases.holder('reconciler', T0 + TTL), 'a');
      assert.equal(await c.store.leases.acquire('reconciler', 'b', TTL, T0 + TTL), false);
      assert.equal(await c.store.leases.holder('reconciler', T0 + 10_000 + TTL - 1), 'a');
      assert.equal(await c.store.leases.holder('reconciler', T0 + 10_000 + TTL), undefined);
    });

    it('lets another holder take the lease once it has expired, at its expiry exactly', async () => {
      await c.store.leases.acquire('reconciler', 'a', TTL, T0);
      assert.equal(await c.store.leases.holder('reconciler', T0 + TTL), undefined);
      assert.equal(await c.store.leases.acquire('reconciler', 'b', TTL, T0 + TTL), true);
      assert.equal(await c.store.leases.holder('reconciler', T0 + TTL), 'b');
      assert.equal(await c.store.leases.acquire('reconciler', 'a', TTL, T0 + TTL + 1), false);
    });

    it('lets a holder whose lease lapsed untaken take it again', async () => {
      await c.store.leases.acquire('reconciler', 'a', TTL, T0);
      assert.equal(await c.store.leases.acquire('reconciler', 'a', TTL, T0 + 5 * TTL), true);
      assert.equal(await c.store.leases.holder('reconciler', T0 + 5 * TTL), 'a');
    });

    it('on release lets another holder take the lease at once', async () => {
      await c.store.leases.acquire('reconciler', 'a', TTL, T0);
      await c.store.leases.release('reconciler', 'a');
      assert.equal(await c.store.leases.holder('reconciler', T0 + 1), undefined);
      assert.equal(await c.store.leases.acquire('reconciler', 'b', TTL, T0 + 1), true);
      assert.equal(await c.store.leases.holder('reconciler', T0 + 1), 'b');
      // The releaser may come back too, once it is free again.
      await c.store.leases.release('reconciler', 'b');
      assert.equal(await c.store.leases.acquire('reconciler', 'a', TTL, T0 + 2), true);
    });

    it('ignores a release by anyone but the holder, and of a lease never taken', async () => {
      await c.store.leases.acquire('reconciler', 'a', TTL, T0);
      await c.store.leases.release('reconciler', 'b');
      await c.store.leases.release('scheduler', 'a');
      assert.equal(await c.store.leases.holder('reconciler', T0 + 1), 'a');
      assert.equal(await c.store.leases.acquire('reconciler', 'b', TTL, T0 + 1), false);
      assert.equal(await c.store.leases.holder('scheduler', T0 + 1), undefined);
    });

    it('keeps leases of different names apart', async () => {
      assert.equal(await c.store.leases.acquire('reconciler', 'a', TTL, T0), true);
      assert.equal(await c.store.leases.acquire('scheduler', 'b', TTL, T0), true);
      await c.store.leases.release('reconciler', 'a');
      assert.equal(await c.store.leases.holder('reconciler', T0), undefined);
      assert.equal(await c.store.leases.holder('scheduler', T0), 'b');
    });

    it('refuses a ttl that is not a positive integer', async () => {
      for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(c.store.leases.acquire('reconciler', 'a', ttl, T0), RangeError, String(ttl));
      }
      assert.equal(await c.store.leases.holder('reconciler', T0), undefined);
    });

    it('gives a free lease to exactly one of 20 replicas racing for it', async () => {
      const winners = await race('reconciler', T0);
      assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
      assert.equal(await c.store.leases.holder('reconciler', T0), winners[0]);
    });

    it('gives an expired lease to exactly one of 20 replicas racing to take it over', async () => {
      await c.store.leases.acquire('reconciler', 'gone', TTL, T0);
      const winners = await race('reconciler', T0 + TTL + 1);
      assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
      assert.equal(await c.store.leases.holder('reconciler', T0 + TTL + 1), winners[0]);
    });

    it('keeps leases across close and reopen', async () => {
      await c.store.leases.acquire('reconciler', 'a', TTL, T0);
      await c.store.close();
      const reopened = c.track(await c.database.open());
      assert.equal(await reopened.leases.holder('reconciler', T0 + 1), 'a');
      assert.equal(await reopened.leases.acquire('reconciler', 'b', TTL, T0 + 1), false);
    });
  });
}
