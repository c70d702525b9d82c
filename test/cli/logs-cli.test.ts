/**
 * @module test/cli/logs-cli.test
 * `demanager instances logs` against a real notebook on the local runtime: the last lines, bounds
 * on `--tail` as usage errors, another member refused, and `--follow` printing each new line once,
 * in order, as the notebook writes it, until Ctrl-C. Lines are appended to the log file itself, as
 * the notebook's processes do through the fd they inherit.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../runtime/workloads.js';
import { create, member, waitStatus } from '../support/api.js';
import { stopRealNotebook } from '../support/real-notebook.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';
import { explain, removeDir, runCli, spawnCli, tempDir } from './cli-harness.js';

describe('demanager instances logs (CLI)', { timeout: 180_000 }, () => {
  let t: TestApp;
  let configDir: string;
  let id = '';
  let logFile = '';
  const as = (token: string) => ({ configDir, env: { DEMANAGER_URL: t.url, DEMANAGER_TOKEN: token } });
  const cli = (...args: string[]) => runCli(args, as(t.adminToken));

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    configDir = tempDir();
    id = (await create(t, cpuBody('cli-logged', 'modelarts.vm.cpu.2u'))).id;
    await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
    logFile = join(t.dataDir, 'instances', id, 'logs', 'notebook.log');
    appendFileSync(logFile, 'cli-line-1\ncli-line-2\ncli-line-3\n');
  });
  after(async () => {
    if (id) await stopRealNotebook(t, id);
    await t?.stop(true);
    removeDir(configDir);
  });

  it('prints the last lines, by name or id', async () => {
    const byName = await cli('instances', 'logs', 'cli-logged', '--tail', '2');
    assert.equal(byName.code, 0, explain(byName));
    assert.equal(byName.stdout, 'cli-line-2\ncli-line-3\n');
    const json = await cli('instances', 'logs', id, '-n', '1', '--json');
    assert.equal(json.code, 0, explain(json));
    assert.deepEqual(JSON.parse(json.stdout), { lines: ['cli-line-3'], truncated: true, available: true });
  });

  it('refuses a tail out of 1 … 1000 as a usage error, and another member with the API’s error', async () => {
    for (const tail of ['0', '1001', 'x']) {
      const result = await cli('instances', 'logs', id, '--tail', tail);
      assert.equal(result.code, 2, explain(result));
    }
    const sam = await member(t, 'sam', t.projectId);
    const refused = await runCli(['instances', 'logs', id], as(sam.token));
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stderr, /ModelArts\.0108/);
  });

  it('--follow prints each new line once, in order, until Ctrl-C', async () => {
    const running = spawnCli(
      ['instances', 'logs', id, '--tail', '1', '--follow', '--interval', '0.2'],
      as(t.adminToken),
    );
    try {
      await eventually(() => running.output().stdout.includes('cli-line-3'), 20_000, 'the last line');
      appendFileSync(logFile, 'follow-1\n');
      await eventually(() => running.output().stdout.includes('follow-1'), 20_000, 'the first new line');
      appendFileSync(logFile, 'follow-2\nfollow-3\n');
      await eventually(() => running.output().stdout.includes('follow-3'), 20_000, 'the next new lines');
    } finally {
      running.child.kill('SIGINT');
    }
    const ended = await running.exited;
    assert.equal(ended.stdout, 'cli-line-3\nfollow-1\nfollow-2\nfollow-3\n', explain(ended));
    assert.equal(running.child.signalCode ?? ended.code, 'SIGINT', 'Ctrl-C ends it');
  });
});
