/**
 * @module test/cli/shares-cli.test
 * `demanager instances share|shares|unshare` end to end: the real binary against a real server,
 * with `--url` and `--token` as a script would pass them. The steps share state and run in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { member } from '../support/api.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';
import { explain, jsonOf, removeDir, runCli, tempDir, type CliResult } from './cli-harness.js';

describe('demanager instances share|shares|unshare (CLI)', () => {
  let t: TestApp;
  let configDir: string;
  let samId = '';
  const cli = (...args: string[]) => runCli(['--url', t.url, '--token', t.adminToken, ...args], { configDir });
  const ok = (result: CliResult) => assert.equal(result.code, 0, explain(result));

  before(async () => {
    t = await startTestApp();
    configDir = tempDir();
    samId = (await member(t, 'sam', t.projectId)).userId;
    const created = await t.http('POST', t.instances(), { body: cpuBody('shared-cli', 'modelarts.vm.cpu.2u') });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await waitForStatus(t, created.body.id, ['RUNNING']);
  });
  after(async () => {
    await t.stop();
    removeDir(configDir);
  });

  it('shares an instance, named by name, with a user named by name', async () => {
    const result = await cli('instances', 'share', 'shared-cli', 'sam');
    ok(result);
    assert.match(result.stdout, /^shared shared-cli \(DE-[^)]+\) with sam\n$/);
  });

  it('lists the shares as a table and as JSON', async () => {
    const table = await cli('instances', 'shares', 'shared-cli');
    ok(table);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
    assert.match(header!, /^USER\s+USER ID\s+GRANTED BY\s+GRANTED AT$/);
    assert.match(row!, new RegExp(`^sam\\s+${samId}\\s+admin\\s+\\d{4}-`));
    assert.deepEqual(rest, []);

    const json = jsonOf(await cli('instances', 'shares', 'shared-cli', '--json'));
    assert.equal(json.total_count, 1);
    assert.equal(json.shares[0].user_id, samId);
  });

  it('fails with the server’s error for a user that does not exist', async () => {
    const result = await cli('instances', 'share', 'shared-cli', 'nobody');
    assert.equal(result.code, 1, explain(result));
    assert.equal(result.stderr, 'error: The user does not exist. (IAM.0002)\n');
  });

  it('unshares by name, and says so when there is nothing to unshare', async () => {
    const result = await cli('instances', 'unshare', 'shared-cli', 'sam');
    ok(result);
    assert.match(result.stdout, /^shared-cli \(DE-[^)]+\) is no longer shared with sam\n$/);
    assert.equal(jsonOf(await cli('instances', 'shares', 'shared-cli', '--json')).total_count, 0);

    const again = await cli('instances', 'unshare', 'shared-cli', 'sam');
    assert.equal(again.code, 1, explain(again));
    assert.match(again.stderr, /^error: The instance is not shared with the user sam\. \(ModelArts\.6393\)\n$/);
  });
});
