/**
 * @module test/runtime/driver-contract
 * What every runtime driver promises the lifecycle (core/ports/runtime), as one suite each driver
 * runs through a fixture: idempotent steps, since the reconciler repeats any step after a crash; a
 * stop that resolves only once the workload is gone; storage kept across stop and start and freed
 * by remove; an aborted start that leaves nothing behind (or, where workloads outlive the service,
 * one the next start adopts); exits seen; workloads re-adopted by a restarted service; for
 * drivers that can list their own resources, orphans collected; and, for fixtures that opt in,
 * warm slots handed to a start and cooled down.
 *
 * A driver joins with a fixture file of a few lines:
 *
 *     const fixture: DriverFixture = { driver: () => new MyDriver(backing), workload: makeWorkload, … };
 *     driverContract('my driver', fixture);
 *
 * Build the fixture (top-level await is fine) before calling {@link driverContract}: the suite
 * calls `fixture.driver()` once while it is defined, to learn which optional methods the driver has
 * (`watchExits`, `collectOrphans`), and registers the cases of those only for drivers that have them.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RuntimeState } from '../../src/core/model/instance.js';
import type { RuntimeDriver, Workload } from '../../src/core/ports/runtime.js';
import { eventually, withRuntime } from './workloads.js';

/** What differs between drivers; everything optional is a probe the driver's backing may not offer. */
export interface DriverFixture {
  /**
   * A new driver on the fixture's backing (data directory, cluster). Each call is the service
   * restarted: a new driver that finds what earlier ones started only through stored states.
   */
  driver(): RuntimeDriver;
  /** A workload of a new instance (a fresh id) that the driver can prepare and start. */
  workload(): Workload;
  /**
   * Ends a running workload from outside the driver, as a crash or an operator would (kills the
   * process, deletes the Pod). `driver` is the one that started it, for drivers that keep their
   * workloads in memory.
   */
  exitFromOutside(workload: Workload, state: RuntimeState, driver: RuntimeDriver): Promise<void>;
  /** Whether anything of the instance runs, seen from outside the driver (processes, Pods). */
  runs?(workload: Workload): Promise<boolean>;
  /** Whether the workload answers HTTP on the endpoint of `state` (drivers whose workloads have one). */
  answers?(workload: Workload, state: RuntimeState): Promise<boolean>;
  /**
   * The workload of a start aborted through its signal is kept, and the next start adopts it rather
   * than starting another: drivers whose workloads outlive the service that started them (Pods), so
   * that a replica taking over a start goes on with it. Without this, an aborted start leaves
   * nothing running.
   */
  adoptsAbortedStart?: boolean;
  /**
   * The driver's warm servers (`warm`, core/warm) are checked too: a slot warmed up is listed
   * ready, a start of its id runs the instance from it, and coolDown leaves nothing. Opt-in per
   * fixture, since warming a server up costs a whole server start on some backings.
   */
  keepsWarm?: boolean;
  /** Probes of the instance storage `prepare` allocates (drivers that keep some). */
  storage?: {
    /** Whether what `prepare` allocated for the instance exists. */
    exists(workload: Workload): Promise<boolean>;
    /**
     * What tells this allocation apart from a new one of the same instance (a claim's uid): the same
     * value after a stop and a start means the storage was kept, not allocated afresh. For backings
     * whose files the suite cannot reach through the workload.
     */
    identity?(workload: Workload): Promise<string | undefined>;
    /** Writes `value` into the storage of the running workload, where its files are kept. */
    write?(workload: Workload, state: RuntimeState, value: string): Promise<void>;
    /** What {@link write} wrote, read back through the running workload `state` (undefined if absent). */
    read?(workload: Workload, state: RuntimeState): Promise<string | undefined>;
  };
  /** Called after the suite, once it has stopped and removed every workload it made: frees the backing. */
  cleanup(): Promise<void>;
}

const live = () => new AbortController().signal;

export function driverContract(name: string, fixture: DriverFixture): void {
  const capabilities = fixture.driver();

  describe(`runtime driver contract: ${name}`, () => {
    const driver = fixture.driver();
    /** Every workload a case made, with each state it got, so `after` leaves nothing behind. */
    const made = new Map<string, { workload: Workload; states: RuntimeState[] }>();

    after(async () => {
      const cleaner = fixture.driver();
      try {
        for (const { workload, states } of made.values()) {
          for (const state of states) await cleaner.stop(withRuntime(workload, state));
          await cleaner.stop(withRuntime(workload, null));
          await cleaner.remove(withRuntime(workload, null));
        }
      } finally {
        await Promise.allSettled([driver, cleaner, capabilities].map((d) => d.close?.()));
        await fixture.cleanup();
      }
    });

    function newWorkload(): Workload {
      const workload = fixture.workload();
      made.set(workload.instance.id, { workload, states: [] });
      return workload;
    }

    async function prepared(on = driver): Promise<Workload> {
      const workload = newWorkload();
      await on.prepare(workload, live());
      return workload;
    }

    /** Starts `workload` (as recorded: its runtime, if any) and returns it with the state recorded. */
    async function start(workload: Workload, on = driver): Promise<Workload> {
      const state = await on.start(workload, live());
      made.get(workload.instance.id)!.states.push(state);
      return withRuntime(workload, state);
    }

    async function assertRunning(running: Workload, on = driver): Promise<void> {
      assert.deepEqual(await on.poll(running), { state: 'running' });
      if (fixture.runs) assert.equal(await fixture.runs(running), true, 'the workload runs');
      if (fixture.answers)
        assert.equal(await fixture.answers(running, running.instance.runtime!), true, 'the workload answers');
    }

    /** Checked at once, not eventually: stop resolves only when the workload is gone. */
    async function assertGone(stopped: Workload, on = driver): Promise<void> {
      const health = await on.poll(stopped);
      assert.equal(health.state, 'exited', `poll after stop: ${JSON.stringify(health)}`);
      if (fixture.runs) assert.equal(await fixture.runs(stopped), false, 'nothing of the instance runs');
      if (fixture.answers && stopped.instance.runtime)
        assert.equal(await fixture.answers(stopped, stopped.instance.runtime), false, 'nothing answers');
    }

    /**
     * Marks the running workload's storage with `value` (its files, and what tells the allocation
     * apart); the function returned checks that a later run of the instance finds both unchanged.
     */
    async function storageMark(running: Workload, value: string): Promise<(later: Workload) => Promise<void>> {
      const storage = fixture.storage;
      const identity = await storage?.identity?.(running);
      if (storage?.identity) assert.ok(identity, 'the storage has an identity');
      await storage?.write?.(running, running.instance.runtime!, value);
      return async (later) => {
        if (storage?.identity) assert.equal(await storage.identity(later), identity, 'the same storage, not a new one');
        if (storage?.read) assert.equal(await storage.read(later, later.instance.runtime!), value);
      };
    }

    it('prepares idempotently', async () => {
      const workload = await prepared();
      await driver.prepare(workload, live());
      if (fixture.storage) assert.equal(await fixture.storage.exists(workload), true, 'prepare allocated the storage');
    });

    it('starts: resolves with a state once the workload answers, and polls it running', async () => {
      const running = await start(await prepared());
      assert.ok(running.instance.runtime && typeof running.instance.runtime.data === 'object');
      await assertRunning(running);
    });

    it('a repeated start (its result never recorded) runs one workload, which one stop ends', async () => {
      const workload = await prepared();
      const first = await start(workload);
      const second = await start(workload);
      await assertRunning(second);
      await driver.stop(second);
      await assertGone(second);
      await assertGone(first);
    });

    it('stops: resolves only once the workload is gone; a second stop and a stop of nothing are harmless', async () => {
      const running = await start(await prepared());
      await driver.stop(running);
      await assertGone(running);
      await driver.stop(running);
      await driver.stop(withRuntime(running, null));
      await driver.stop(newWorkload());
      await assertGone(running);
    });

    it('starts again after a stop, with the storage kept', async () => {
      const workload = await prepared();
      const first = await start(workload);
      const kept = await storageMark(first, `kept-${workload.instance.id}`);
      await driver.stop(first);
      await assertGone(first);
      const again = await start(withRuntime(first, null));
      await assertRunning(again);
      await kept(again);
      await driver.stop(again);
    });

    it('removes what prepare allocated; a second remove and a stop after it are harmless', async () => {
      const running = await start(await prepared());
      await driver.stop(running);
      const stopped = withRuntime(running, null);
      await driver.remove(stopped);
      if (fixture.storage) assert.equal(await fixture.storage.exists(stopped), false, 'the storage is gone');
      await driver.remove(stopped);
      await driver.stop(running);
      await assertGone(running);
    });

    if (capabilities.logs)
      it('keeps a log from the first start: none before it, at most the tail asked for, none once removed', async () => {
        const workload = await prepared();
        assert.equal(await driver.logs!(workload, 5), null, 'nothing has run yet');
        const running = await start(workload);
        const log = await driver.logs!(running, 5);
        assert.ok(log && log.lines.length <= 5 && typeof log.truncated === 'boolean', JSON.stringify(log));
        await driver.stop(running);
        const removed = withRuntime(running, null);
        await driver.remove(removed);
        assert.equal(await driver.logs!(removed, 5), null, 'it went with the instance');
      });

    const adopts = fixture.adoptsAbortedStart === true;
    it(`a start aborted through its signal leaves ${adopts ? 'its workload for the next start to adopt' : 'nothing running'}`, async () => {
      const workload = await prepared();
      const controller = new AbortController();
      const started = driver.start(workload, controller.signal);
      let settled = false;
      started.then(
        () => (settled = true),
        () => (settled = true),
      );
      // Where the backing shows the workload coming up, abort then, mid-start; else at once.
      if (fixture.runs)
        await eventually(async () => settled || (await fixture.runs!(workload)), 60_000, 'the workload to come up');
      assert.equal(settled, false, 'the start had not finished when it was aborted');
      controller.abort(new Error('aborted by the test'));
      await assert.rejects(started);
      if (fixture.runs)
        assert.equal(
          await fixture.runs(workload),
          adopts,
          adopts ? 'the workload is kept for the next start' : 'nothing of the instance runs',
        );
      assert.equal((await driver.poll(workload)).state, 'exited');
      // The instance is not spoiled: a later start works (adopting what was kept), and one stop ends all.
      const running = await start(workload);
      await assertRunning(running);
      await driver.stop(running);
      await assertGone(running);
    });

    const watches = typeof capabilities.watchExits === 'function';
    it(`a workload that exits on its own is ${watches ? 'reported through watchExits and ' : ''}seen by poll`, async () => {
      const watcher = fixture.driver();
      const exits: string[] = [];
      watcher.watchExits?.((id) => exits.push(id));
      try {
        const running = await start(await prepared(watcher), watcher);
        await fixture.exitFromOutside(running, running.instance.runtime!, watcher);
        await eventually(async () => (await watcher.poll(running)).state === 'exited', 10_000, 'poll to see the exit');
        if (watches) await eventually(() => exits.includes(running.instance.id), 10_000, 'the exit to be reported');
        await watcher.stop(running);
        await assertGone(running, watcher);
      } finally {
        await watcher.close?.();
      }
    });

    it('a restarted service (a new driver) re-adopts a running workload: polls it running and stops it', async () => {
      const running = await start(await prepared());
      const restarted = fixture.driver();
      try {
        await assertRunning(running, restarted);
        await restarted.stop(running);
        await assertGone(running, restarted);
      } finally {
        await restarted.close?.();
      }
    });

    if (fixture.keepsWarm && capabilities.warm) {
      /** Warms a slot up for a new instance's id; answers that instance's workload. */
      async function warmed(on = driver): Promise<Workload> {
        const workload = newWorkload();
        const { instance, profile, flavor } = workload;
        await on.warm!.warmUp(
          { instanceId: instance.id, flavor: flavor.name, profileId: profile.id },
          profile,
          flavor,
          live(),
        );
        return workload;
      }
      const listed = async (on: RuntimeDriver, workload: Workload) =>
        (await on.warm!.slots()).find((slot) => slot.instanceId === workload.instance.id);

      it('warm: a slot warmed up is listed ready, and a start of its id runs the instance from it', async () => {
        const workload = await warmed();
        assert.deepEqual(await listed(driver, workload), {
          instanceId: workload.instance.id,
          flavor: workload.flavor.name,
          profileId: workload.profile.id,
          ready: true,
        });
        await driver.prepare(workload, live());
        const running = await start(workload);
        await assertRunning(running);
        assert.equal(await listed(driver, running), undefined, 'handed over: no longer a slot');
        await driver.warm!.coolDown(running.instance.id); // the instance's now: a no-op
        await assertRunning(running);
        await driver.stop(running);
        await assertGone(running);
      });

      it('warm: a restarted service lists the slots kept before, and coolDown leaves nothing of one', async () => {
        const workload = await warmed();
        const restarted = fixture.driver();
        try {
          assert.equal((await listed(restarted, workload))?.ready, true);
          await restarted.warm!.coolDown(workload.instance.id);
          assert.equal(await listed(restarted, workload), undefined);
          if (fixture.runs) assert.equal(await fixture.runs(workload), false, 'nothing of the slot runs');
          if (fixture.storage) assert.equal(await fixture.storage.exists(workload), false, 'nor is its storage kept');
        } finally {
          await restarted.close?.();
        }
      });
    }

    if (typeof capabilities.collectOrphans === 'function') {
      it('collectOrphans removes the workloads and storage of instances the store does not hold, and leaves the others alone', async () => {
        const kept = await start(await prepared());
        const stillHere = await storageMark(kept, 'still here');
        const orphanRunning = await start(await prepared());
        const orphanStopped = await prepared();
        const orphans = new Set([orphanRunning.instance.id, orphanStopped.instance.id]);
        // The store holds every other instance the suite made: only the two orphans may go.
        const asked: string[] = [];
        const known = async (ids: readonly string[]) => {
          asked.push(...ids);
          return new Set(ids.filter((id) => !orphans.has(id)));
        };

        assert.equal(await driver.collectOrphans!(known), 2);
        for (const id of [kept, orphanRunning, orphanStopped].map((w) => w.instance.id))
          assert.ok(asked.includes(id), `asked about ${id}`);
        await assertGone(orphanRunning);
        for (const orphan of [orphanRunning, orphanStopped]) {
          if (fixture.storage) assert.equal(await fixture.storage.exists(orphan), false, 'the orphan storage is gone');
        }
        await assertRunning(kept);
        await stillHere(kept);

        assert.equal(await driver.collectOrphans!(known), 0, 'nothing is left to collect');
        await driver.stop(kept);
      });
    }
  });
}
