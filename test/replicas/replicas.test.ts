/**
 * Three `demanager serve` processes on one PostgreSQL database: the lifecycle is driven through
 * all three at random, the replica holding the controller lease is killed with SIGKILL mid-
 * transition, and afterwards no instance is lost or stuck, no transition was committed twice, and
 * every surviving replica answers with the same state.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ConfigOptions } from '../../src/server/config.js';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../store/postgres-test-database.js';

const SCARCE = completeFlavor({
  name: 'modelarts.vm.cpu.scarce',
  type: 'CPU',
  params: { CPU: 1, memory: '2GiB' },
  capacity: 4,
});
const RESTING = new Set(['RUNNING', 'STOPPED', 'CREATE_FAILED', 'START_FAILED', 'UNAVAILABLE']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Replica {
  server: ChildServer;
  dataDir: string;
  alive: boolean;
}

describe('three replicas on one PostgreSQL', () => {
  let db: ThrowawayDatabase;
  const replicas: Replica[] = [];
  const options = (): ConfigOptions => ({
    logLevel: 'info',
    masterKey: TEST_MASTER_KEY,
    coordination: { leaseTtlSeconds: 2, leaseRenewSeconds: 0.4, scanIntervalMs: 100 },
    runtime: { pollIntervalSeconds: 0, simulated: { delays: { prepare: 300, start: 500, stop: 300, remove: 100 } } },
    catalog: { flavors: [...BUILTIN_CATALOG.flavors, SCARCE] },
  });

  before(async () => {
    db = await createThrowawayDatabase();
    // Started together on an empty database: bootstrap and migrations race, and must not fail.
    const started = await Promise.all(
      [0, 1, 2].map(async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'demanager-replica-'));
        const server = await startChildServer(dataDir, { ...options(), databaseUrl: db.url });
        return { server, dataDir, alive: true };
      }),
    );
    replicas.push(...started);
  });

  after(async () => {
    for (const r of replicas) {
      await r.server.kill();
      rmSync(r.dataDir, { recursive: true, force: true });
    }
    await db?.drop();
  });

  const living = () => replicas.filter((r) => r.alive);
  const any = () => {
    const alive = living();
    return alive[Math.floor(Math.random() * alive.length)]!;
  };

  async function controllers(): Promise<Replica[]> {
    const states = await Promise.all(
      living().map(async (r) => ({ r, body: (await r.server.http<any>('GET', '/readyz')).body })),
    );
    for (const { body } of states) assert.equal(body.status, 'ready');
    return states.filter((s) => s.body.controller).map((s) => s.r);
  }

  it('exactly one replica holds the controller lease, and every replica serves the whole API', async () => {
    let holders: Replica[] = [];
    for (let i = 0; i < 50 && holders.length !== 1; i++) {
      holders = await controllers();
      if (holders.length !== 1) await sleep(100);
    }
    assert.equal(holders.length, 1);
    // A token issued by one replica works on every other: they share one project and one admin.
    const [a, b, c] = replicas;
    for (const other of [b!, c!]) {
      const res = await fetch(`${other.server.url}/v1/${a!.server.projectId}/demanager/instances?de_type=Notebook`, {
        headers: { 'X-Auth-Token': a!.server.token },
      });
      assert.equal(res.status, 200);
    }
    // A write on one replica is what the next read on another returns.
    const base = `/v1/${a!.server.projectId}/demanager/instances`;
    const created = await a!.server.http<any>('POST', base, {
      name: 'read-your-write',
      description: 'first',
      profile_id: 'Multi-Engine 1.0 (python3)-cpu',
      flavor: 'modelarts.vm.cpu.2u',
      spec: { storage: { type: 'evs' } },
    });
    assert.equal((await b!.server.http<any>('GET', `${base}/${created.body.id}`)).body.description, 'first');
    await c!.server.http<any>('PUT', `${base}/${created.body.id}`, { description: 'second' });
    assert.equal((await a!.server.http<any>('GET', `${base}/${created.body.id}`)).body.description, 'second');
  });

  it('survives the lease holder being killed mid-transition: nothing lost, stuck or done twice', async () => {
    const projectId = replicas[0]!.server.projectId;
    const base = `/v1/${projectId}/demanager/instances`;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await any().server.http<any>('POST', base, {
        name: `rep-${i}`,
        profile_id: 'Multi-Engine 1.0 (python3)-cpu',
        flavor: 'modelarts.vm.cpu.2u',
        spec: { storage: { type: 'evs' } },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      ids.push(res.body.id);
    }

    // Random requests through random replicas; wrong-state answers are expected and harmless.
    const actions = fc.sample(
      fc.tuple(fc.constantFrom(...ids), fc.constantFrom('start', 'stop', 'restart', 'delete')),
      { numRuns: 60, seed: 42 },
    );
    let killed = false;
    for (const [n, [id, action]] of actions.entries()) {
      const replica = any();
      const res =
        action === 'delete'
          ? await replica.server.http<any>('DELETE', `${base}/${id}`)
          : await replica.server.http<any>('POST', `${base}/${id}/action`, { action });
      assert.ok(
        res.status === 200 || (res.status === 400 && /^ModelArts\.63\d\d$/.test(res.body.error_code)),
        JSON.stringify(res.body),
      );
      if (!killed && n === 30) {
        const [holder] = await controllers();
        const moving = (
          await holder!.server.http<any>('GET', `${base}?de_type=Notebook&show_self=false`)
        ).body.instances.filter((i: any) => !RESTING.has(i.status));
        assert.ok(moving.length > 0, 'some instances are mid-transition when the lease holder dies');
        holder!.alive = false;
        await holder!.server.kill();
        killed = true;
      }
      await sleep(20);
    }
    assert.ok(killed);

    // Every instance comes to rest under the new lease holder (TTL 2 s), as seen by every survivor.
    const deadline = Date.now() + 30_000;
    let views: any[][] = [];
    for (;;) {
      views = await Promise.all(
        living().map(
          async (r) =>
            (await r.server.http<any>('GET', `${base}?de_type=Notebook&sortby=name&show_self=false`)).body.instances,
        ),
      );
      const resting = views.every((v) => v.every((i: any) => RESTING.has(i.status)));
      if (
        resting &&
        views.every(
          (v) =>
            JSON.stringify(v.map((i: any) => [i.id, i.status, i.latest_update_timestamp])) ===
            JSON.stringify(views[0]!.map((i: any) => [i.id, i.status, i.latest_update_timestamp])),
        )
      )
        break;
      assert.ok(
        Date.now() < deadline,
        `not at rest: ${JSON.stringify(views.map((v) => v.map((i: any) => [i.name, i.status])))}`,
      );
      await sleep(200);
    }
    assert.equal((await controllers()).length, 1, 'a surviving replica took over the lease');

    // Nothing lost: every instance is either listed or was deleted by a DELETE that was accepted.
    const listed = new Set(views[0]!.map((i: any) => i.id));
    for (const id of ids) {
      if (listed.has(id)) continue;
      const gone = await any().server.http<any>('GET', `${base}/${id}`);
      assert.equal(gone.body.error_code, 'ModelArts.6309');
    }

    // Nothing done twice: each instance's history is one unbroken chain of committed changes.
    for (const id of listed) {
      const events = (await any().server.http<any>('GET', `${base}/${id}/events?limit=1000`)).body.events as any[];
      assert.equal(events[0].kind, 'create');
      for (let i = 1; i < events.length; i++) {
        assert.equal(
          events[i].from_status,
          events[i - 1].to_status,
          `${id}: ${JSON.stringify(events.slice(i - 1, i + 1))}`,
        );
      }
      assert.equal(events.at(-1).to_status, views[0]!.find((x: any) => x.id === id).status);
    }
  });

  it("admits exactly a flavor's capacity out of many creates fired at all replicas at once", async () => {
    const base = `/v1/${replicas[0]!.server.projectId}/demanager/instances`;
    const alive = living();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        alive[i % alive.length]!.server.http<any>('POST', base, {
          name: `scarce-${i}`,
          profile_id: 'Multi-Engine 1.0 (python3)-cpu',
          flavor: SCARCE.name,
          spec: { storage: { type: 'evs' } },
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 200).length, SCARCE.capacity);
    for (const r of results.filter((r) => r.status !== 200)) assert.equal(r.body.error_code, 'ModelArts.6329');
    const listed = (await alive[0]!.server.http<any>('GET', `${base}?de_type=Notebook&show_self=false&limit=1000`)).body
      .instances;
    assert.equal(listed.filter((i: any) => i.flavor === SCARCE.name).length, SCARCE.capacity);
  });
});
