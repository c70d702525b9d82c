/**
 * Warm servers never leak: the service is killed with SIGKILL while one is ready, and a new
 * service on the same data directory re-adopts it (same server, handed to the next create); killed
 * again, a service whose catalog now asks for no warm server stops the one left and removes its
 * process, control group, directory and record.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { ControlGroup, findHierarchy } from '../../src/runtime/local/isolation/control-groups.js';
import { CPU_PROFILE } from '../support/api.js';
import { notebookPids } from '../runtime/local-fixtures.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { cpuBody } from '../support/test-app.js';

const root = process.getuid?.() === 0;
const LOCAL = { driver: 'local' as const, pollIntervalSeconds: 1 };
const flavorWith = (warm: number) =>
  completeFlavor({ name: 'test.cpu.warm', type: 'CPU', params: { CPU: 1, memory: '1GiB' }, capacity: 2, warm });
const config = (warm: number) => ({
  runtime: LOCAL,
  catalog: { profiles: [{ id: CPU_PROFILE, flavor_types: ['CPU' as const] }], flavors: [flavorWith(warm)] },
});

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('warm servers after a SIGKILL of the service', { skip: root ? false : 'needs root (CI runs as root)' }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'demanager-warm-crash-'));
  const seen = new Set<string>();
  let child: ChildServer | undefined;
  after(async () => {
    await child?.kill();
    for (const id of seen) for (const pid of notebookPids(id)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The ready warm servers' instance ids, from their records. */
  const readyIds = () =>
    readdirSync(join(dataDir, 'warm'), { withFileTypes: true })
      .filter((e) => e.name.endsWith('.json'))
      .filter((e) => JSON.parse(readFileSync(join(dataDir, 'warm', e.name), 'utf8')).ready === true)
      .map((e) => e.name.slice(0, -5));
  const oneReady = (except = '') =>
    until('a ready warm server', () => {
      const ids = existsSync(join(dataDir, 'warm')) ? readyIds().filter((id) => id !== except) : [];
      for (const id of ids) seen.add(id);
      return ids.length === 1 ? ids[0] : undefined;
    });

  it('re-adopts a ready warm server, and stops the one left once the catalog asks for none', async () => {
    child = await startChildServer(dataDir, config(1));
    const first = await oneReady();
    const [pid] = notebookPids(first);
    assert.ok(pid, 'the warm server runs');
    await child.kill();
    child = undefined;
    assert.deepEqual(notebookPids(first), [pid], 'the warm server outlives its service');

    // Re-adopted: the same server, no second one, and the next create is handed it.
    child = await startChildServer(dataDir, config(1));
    const stock = await until(
      'the warm pool to take stock',
      () => /"kept":(\d+).*warm pool took stock/.exec(child!.output())?.[1],
    );
    assert.equal(stock, '1');
    const base = `/v1/${child.projectId}/demanager/instances`;
    const created = (await child.http<any>('POST', base, cpuBody('after-crash', 'test.cpu.warm'))).body;
    assert.equal(created.id, first, 'the create took the re-adopted server');
    await until('RUNNING', async () =>
      (await child!.http<any>('GET', `${base}/${first}`)).body.status === 'RUNNING' ? true : undefined,
    );
    assert.deepEqual(notebookPids(first), [pid], 'the same server process serves the instance');

    // The replacement is killed with the service, and the next service keeps none.
    const replacement = await oneReady(first);
    const [replacementPid] = notebookPids(replacement);
    assert.ok(replacementPid);
    await child.kill();
    child = await startChildServer(dataDir, config(0));
    await until('the warm server stopped', () => (notebookPids(replacement).length === 0 ? true : undefined));
    await until('its record and directory removed', () =>
      !existsSync(join(dataDir, 'warm', `${replacement}.json`)) && !existsSync(join(dataDir, 'instances', replacement))
        ? true
        : undefined,
    );
    const hierarchy = await findHierarchy();
    if (hierarchy)
      assert.equal(await new ControlGroup(hierarchy, replacement).exists(), false, 'its control group is gone');
    // The instance that took the first server is untouched, and stops as any does.
    assert.equal((await child.http<any>('GET', `${base}/${first}`)).body.status, 'RUNNING');
    assert.equal((await child.http('POST', `${base}/${first}/action`, { action: 'stop' })).status, 200);
    await until('STOPPED', async () =>
      (await child!.http<any>('GET', `${base}/${first}`)).body.status === 'STOPPED' ? true : undefined,
    );
    assert.deepEqual(notebookPids(first), []);
  });
});
