/**
 * The identity watch on a real SQLite store, its scans timed by a manual clock: a write through
 * the watched store is reported at once, with the revision it raised; a write by another
 * connection to the database only at the next scan; nothing is read while no one wants to know;
 * and close ends the loop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { IdentityWatch } from '../../src/core/changes/identity-watch.js';
import { watchStore } from '../../src/core/changes/store-changes.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { makeUser } from '../store/fixtures.js';

const SCAN_MS = 1_000;
const silent = { info() {}, warn() {}, error() {} };

/** Resolves once `reported` holds `n` entries, or fails after a second of real time. */
async function reports(reported: number[], n: number): Promise<void> {
  for (let i = 0; i < 100 && reported.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(reported.length, n, `reports: ${reported.join(',')}`);
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('IdentityWatch', () => {
  let watched: Store;
  let other: Store;
  let watch: IdentityWatch;
  const clock = new ManualClock();
  const reported: number[] = [];
  let wanted = true;

  before(async () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'demanager-identity-watch-')), 'store.db')}`;
    const raw = await openStore(url);
    await raw.migrate();
    const { store, changes } = watchStore(raw);
    watched = store;
    other = await openStore(url);
    watch = new IdentityWatch({ store: watched, clock, scanMs: SCAN_MS, localWrites: changes.identity, log: silent });
    watch.start(
      () => wanted,
      async (revision) => void reported.push(revision),
    );
  });
  after(async () => {
    await watch.close();
    await other.close();
    await watched.close();
  });

  it('reports a write through the watched store at once, with its revision', async () => {
    await watched.identity.insertUser(makeUser());
    await reports(reported, 1);
    assert.equal(reported[0], await watched.identity.revision());
  });

  it("finds another connection's write at the next scan, not before", async () => {
    await other.identity.insertUser(makeUser());
    await settle();
    assert.equal(reported.length, 1, 'no local write, no scan yet');
    clock.advance(SCAN_MS);
    await reports(reported, 2);
    assert.equal(reported[1], await other.identity.revision());
  });

  it('reads nothing while no one wants to know', async () => {
    wanted = false;
    await watched.identity.insertUser(makeUser());
    clock.advance(SCAN_MS);
    await settle();
    assert.equal(reported.length, 2);
    wanted = true;
    clock.advance(SCAN_MS);
    await reports(reported, 3);
  });

  it('ends its loop on close', async () => {
    await watch.close();
    await watched.identity.insertUser(makeUser());
    clock.advance(SCAN_MS);
    await settle();
    assert.equal(reported.length, 3);
  });
});
