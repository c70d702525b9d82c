/**
 * @module test/cli/instances-cli.test
 * The instance commands end to end: the real binary, a real server, one session file. The steps
 * share state and run in order, like a person at a terminal.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN_PASSWORD, createBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';
import { explain, jsonOf, removeDir, runCli, tempDir, type CliResult } from './cli-harness.js';

const SAMPLE_NAME = 'notebook-c6fd';

describe('demanager instances (CLI)', () => {
  let t: TestApp;
  let configDir: string;
  let sampleId = '';
  let cpuId = '';
  const cli = (...args: string[]) => runCli(args, { configDir });
  const ok = (result: CliResult) => assert.equal(result.code, 0, explain(result));

  before(async () => {
    t = await startTestApp();
    configDir = tempDir();
  });

  after(async () => {
    await t.stop();
    removeDir(configDir);
  });

  it('login reads the password from stdin and saves a 0600 session without it', async () => {
    const result = await runCli(['login', '--url', t.url, '--user', 'admin'], {
      configDir,
      input: `${ADMIN_PASSWORD}\n`,
    });
    ok(result);
    assert.match(result.stdout, /Logged in to .* as admin, project default/);

    const file = join(configDir, 'session.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(configDir).mode & 0o777, 0o700);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(ADMIN_PASSWORD), 'the session file must not hold the password');
    const session = JSON.parse(text);
    assert.equal(session.url, t.url);
    assert.equal(session.projectId, t.projectId);
    assert.equal(session.apiBase, `${t.url}/v1/${t.projectId}`);
    assert.equal(session.user, 'admin');
    assert.match(session.token, /^dm1\./);
    assert.ok(Date.parse(session.expiresAt) > Date.now() + 23 * 3600_000);
    assert.ok(
      !result.stdout.includes(session.token) && !result.stderr.includes(session.token),
      'the token is never printed',
    );
  });

  it('create --file sends the sample body as is', async () => {
    const file = join(configDir, 'body.json');
    writeFileSync(file, JSON.stringify(createBody(SAMPLE_NAME)));
    const result = await cli('instances', 'create', '--file', file, '--json');
    ok(result);
    const created = jsonOf(result);
    assert.equal(created.name, SAMPLE_NAME);
    assert.equal(created.flavor, 'modelarts.bm.gpu.v100NV32');
    assert.equal(created.spec.storage.location.path, '/bucket/work/');
    assert.equal(created.spec.auto_stop.duration, 3600);
    assert.match(created.id, /^DE-/);
    sampleId = created.id;
  });

  it('create from flags with --wait prints the running instance', async () => {
    const result = await cli(
      'instances',
      'create',
      '--name',
      'cpu-nb',
      '--profile',
      'Multi-Engine 1.0 (python3)-cpu',
      '--flavor',
      'modelarts.vm.cpu.2u',
      '--storage-type',
      'evs',
      '--volume-size',
      '10',
      '--auto-stop',
      '7200',
      '--description',
      'from flags',
      '--wait',
    );
    ok(result);
    const [header, row] = result.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID\s+NAME\s+STATUS\s+FLAVOR\s+CREATED\s+AUTO-STOP$/);
    assert.match(
      row!,
      /^DE-\S+\s+cpu-nb\s+RUNNING\s+modelarts\.vm\.cpu\.2u\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+(1h59m|2h00m)$/,
    );
    cpuId = row!.split(/\s+/)[0]!;
    const detail = await t.http('GET', `${t.instances()}/${cpuId}`);
    assert.equal(detail.body.spec.storage.type, 'evs');
    assert.equal(detail.body.spec.storage.location.volume_size, 10);
    assert.equal(detail.body.description, 'from flags');
  });

  it('list prints an aligned table, and the raw answer with --json', async () => {
    await waitForStatus(t, sampleId, ['RUNNING']);
    const table = await cli('instances', 'list');
    ok(table);
    const lines = table.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3, table.stdout);
    // Sorted by name; every column starts at the same offset on every line.
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)[1]),
      ['cpu-nb', SAMPLE_NAME],
    );
    const statusColumn = lines[0]!.indexOf('STATUS');
    for (const line of lines.slice(1)) assert.equal(line.slice(statusColumn).split(/\s+/)[0], 'RUNNING');

    const json = jsonOf(
      await cli('instances', 'list', '--json', '--sort-by', 'creation_timestamp', '--order', 'desc', '--limit', '1'),
    );
    assert.equal(json.total_count, 2);
    assert.deepEqual(
      json.instances.map((i: any) => i.name),
      ['cpu-nb'],
    );
    assert.equal(typeof json.instances[0].creation_timestamp, 'string');
  });

  it('show finds an instance by name and by id', async () => {
    const byName = await cli('instances', 'show', SAMPLE_NAME);
    ok(byName);
    assert.match(byName.stdout, new RegExp(`^id:\\s+${sampleId}$`, 'm'));
    assert.match(byName.stdout, /^status:\s+RUNNING$/m);
    assert.match(byName.stdout, /^storage:\s+obs \/bucket\/work\/$/m);
    assert.match(byName.stdout, /^url:\s+http:\/\/\S+\/notebook\/DE-/m);

    const byId = jsonOf(await cli('instances', 'show', sampleId, '--json'));
    assert.equal(byId.name, SAMPLE_NAME);
    assert.equal(byId.spec.annotations.url, `${t.url}/notebook/${sampleId}/`);
  });

  it('update changes the description and turns auto-stop off', async () => {
    const result = await cli(
      'instances',
      'update',
      SAMPLE_NAME,
      '--description',
      'changed by the CLI',
      '--no-auto-stop',
      '--json',
    );
    ok(result);
    const updated = jsonOf(result);
    assert.equal(updated.description, 'changed by the CLI');
    assert.equal(updated.spec.auto_stop.enable, false);
    assert.equal(updated.spec.auto_stop.duration, 3600);

    const again = await cli('instances', 'update', sampleId, '--auto-stop', '5400');
    ok(again);
    const detail = await t.http('GET', `${t.instances()}/${sampleId}`);
    assert.deepEqual([detail.body.spec.auto_stop.enable, detail.body.spec.auto_stop.duration], [true, 5400]);
  });

  it('refuses control characters in a description, and prints those an older release stored escaped', async () => {
    const hostile = 'x\u0007\u001b[31my\u009b2J\u202ez';
    const refused = await cli('instances', 'update', SAMPLE_NAME, '--description', hostile);
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stderr, /The character \\u0007 is not allowed\. \(ModelArts\.6334\)/);
    for (const bad of ['\u007f', '\u0085', '\u2066', '\n']) {
      const res = await t.http('PUT', `${t.instances()}/${sampleId}`, { body: { description: `a${bad}b` } });
      assert.equal(res.body.error_code, 'ModelArts.6334', JSON.stringify(bad));
    }
    const create = await t.http('POST', t.instances(), {
      body: { ...createBody('control-nb'), description: 'tab\there' },
    });
    assert.equal(create.body.error_code, 'ModelArts.6334');

    // What an older release accepted is still in the database: the CLI must not hand it to the terminal.
    const stored = (await t.app.services.store.instances.get(t.projectId, sampleId))!;
    assert.ok(await t.app.services.store.instances.update({ ...stored, description: hostile }));
    const escaped = 'x\\u0007\\u001b[31my\\u009b2J\\u202ez';
    for (const result of [
      await cli('instances', 'show', SAMPLE_NAME),
      await cli('instances', 'list'),
      await cli('instances', 'show', SAMPLE_NAME, '--json'),
      await cli('instances', 'list', '--json'),
    ]) {
      ok(result);
      assert.ok(
        !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(result.stdout),
        `no control character printed: ${JSON.stringify(result.stdout)}`,
      );
    }
    assert.match(
      (await cli('instances', 'show', SAMPLE_NAME)).stdout,
      new RegExp(`^description:\\s+${escaped.replace(/[\\[]/g, '\\$&')}$`, 'm'),
    );
    assert.equal(
      jsonOf(await cli('instances', 'show', SAMPLE_NAME, '--json')).description,
      hostile,
      'the JSON still reads as the stored text',
    );
    assert.ok(
      await t.app.services.store.instances.update({ ...stored, version: stored.version + 1, description: 'cleaned' }),
    );
  });

  it('stop --wait and start --wait return once the instance rests', async () => {
    const stopped = await cli('instances', 'stop', SAMPLE_NAME, '--wait');
    ok(stopped);
    assert.match(stopped.stdout, new RegExp(`${SAMPLE_NAME}\\s+STOPPED\\s`));

    const started = await cli('instances', 'start', sampleId, '--wait', '--json');
    ok(started);
    const instance = jsonOf(started);
    assert.equal(instance.status, 'RUNNING');
    assert.equal(instance.spec.auto_stop.duration, 5400);
  });

  it('restart answers the transition at once', async () => {
    const result = await cli('instances', 'restart', SAMPLE_NAME);
    ok(result);
    assert.equal(result.stdout, `${SAMPLE_NAME} (${sampleId}): RUNNING -> RESTARTING\n`);
    await waitForStatus(t, sampleId, ['RUNNING']);
  });

  it('delete refuses a running instance with the API error on stderr', async () => {
    const result = await cli('instances', 'delete', SAMPLE_NAME);
    assert.equal(result.code, 1, explain(result));
    assert.equal(result.stderr, 'error: Please stop the instance before deleting. (ModelArts.6304)\n');
    assert.equal(result.stdout, '');
  });

  it('delete --json removes a stopped instance', async () => {
    ok(await cli('instances', 'stop', sampleId, '--wait', '--json'));
    const result = await cli('instances', 'delete', SAMPLE_NAME, '--wait', '--json');
    ok(result);
    assert.deepEqual(jsonOf(result), { instance_id: sampleId });
  });

  it('show of the deleted instance exits 1 with ModelArts.6309', async () => {
    const result = await cli('instances', 'show', SAMPLE_NAME);
    assert.equal(result.code, 1, explain(result));
    assert.match(result.stderr, /^error: The instance does not exist\. \(ModelArts\.6309\)$/m);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });

  it('logout removes the session file (and nothing on the server)', async () => {
    const result = await cli('logout');
    ok(result);
    assert.equal(existsSync(join(configDir, 'session.json')), false);
    assert.equal((await t.http('GET', `${t.instances()}/${cpuId}`)).status, 200);
  });
});
