/**
 * The local driver's orphan collection touches only its own leftovers: directories named by an
 * instance id under its data directory and processes marked with one of them. (The contract
 * suite shows it removing the notebooks and storage of unknown instances.)
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { newInstanceId } from '../../src/core/model/instance.js';
import { INSTANCE_VAR } from '../../src/runtime/local/process-marker.js';
import { eventually, makeDriver, makeWorkload, processGone, tempDir } from './local-fixtures.js';

describe('local driver: orphan collection', () => {
  const dataDir = tempDir('local-orphans');
  const elsewhere = tempDir('local-orphans-elsewhere');
  const root = join(dataDir, 'instances');
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  /** A long sleep carrying `instanceDir` as its marker, as a notebook's kernel would. */
  function marked(instanceDir: string): number {
    const child = spawn('sleep', ['300'], {
      env: { PATH: process.env.PATH, [INSTANCE_VAR]: instanceDir },
      stdio: 'ignore',
    });
    children.push(child);
    return child.pid!;
  }

  const nobodyKnown = async () => new Set<string>();

  it('collects nothing from a data directory it never used', async () => {
    assert.equal(await makeDriver(tempDir('local-orphans-empty')).collectOrphans(nobodyKnown), 0);
  });

  it('stops a marked process whose instance directory is already gone, and nothing that only looks like its own', async () => {
    const driver = makeDriver(dataDir);
    mkdirSync(root, { recursive: true });
    const outside = join(elsewhere, 'precious');
    mkdirSync(outside);
    writeFileSync(join(outside, 'file.txt'), 'keep');
    const lookalikes = {
      notes: join(root, 'notes'),
      file: join(root, newInstanceId()),
      link: join(root, newInstanceId()),
    };
    mkdirSync(lookalikes.notes);
    writeFileSync(lookalikes.file, 'not a directory');
    symlinkSync(outside, lookalikes.link);

    const lost = marked(join(root, newInstanceId()));
    const strangers = [
      marked(join(elsewhere, 'instances', newInstanceId())),
      marked(join(root, 'notes')),
      marked(join(root, newInstanceId(), 'nested')),
    ];
    const asked: string[][] = [];
    const removed = await driver.collectOrphans(async (ids) => {
      asked.push([...ids]);
      return new Set();
    });

    assert.equal(removed, 1);
    assert.equal(asked.length, 1, 'one question to the store');
    assert.equal(asked[0]!.length, 1);
    await eventually(() => processGone(lost), 5_000, 'the lost process to end');
    for (const pid of strangers) assert.equal(await processGone(pid), false, `process ${pid} is not the driver's`);
    for (const path of Object.values(lookalikes)) assert.ok(existsSync(path), `${path} is kept`);
    assert.ok(existsSync(join(outside, 'file.txt')), 'the target of a link is kept');
  });

  it('keeps everything when the store cannot answer', async () => {
    const driver = makeDriver(dataDir);
    const prepared = join(root, newInstanceId());
    mkdirSync(prepared, { recursive: true });
    const pid = marked(prepared);
    await assert.rejects(
      driver.collectOrphans(async () => {
        throw new Error('the database is down');
      }),
      /the database is down/,
    );
    assert.ok(existsSync(prepared));
    assert.equal(await processGone(pid), false);
  });

  it('collects only for the database that first used the data directory', async () => {
    const shared = tempDir('local-orphans-owner');
    const ours = makeDriver(shared, { installationId: 'database-a' });
    const workload = makeWorkload();
    await ours.prepare(workload, new AbortController().signal);
    const dir = join(shared, 'instances', workload.instance.id);
    assert.ok(existsSync(dir));
    // Another (or an empty) database holds none of these instances: its service must not delete them.
    const theirs = makeDriver(shared, { installationId: 'database-b' });
    assert.equal(await theirs.collectOrphans(nobodyKnown), 0);
    assert.ok(existsSync(dir), "the other database's service deleted the instance's files");
    assert.equal(await ours.collectOrphans(nobodyKnown), 1);
    assert.ok(!existsSync(dir));
    rmSync(shared, { recursive: true, force: true });
  });

  it('stamps a directory used before stamps existed on its first collection', async () => {
    const shared = tempDir('local-orphans-unstamped');
    mkdirSync(join(shared, 'instances', newInstanceId()), { recursive: true });
    assert.equal(await makeDriver(shared, { installationId: 'database-a' }).collectOrphans(nobodyKnown), 1);
    mkdirSync(join(shared, 'instances', newInstanceId()), { recursive: true });
    assert.equal(await makeDriver(shared, { installationId: 'database-b' }).collectOrphans(nobodyKnown), 0);
    rmSync(shared, { recursive: true, force: true });
  });
});
