/**
 * @module test/cli/user-instances-cli.test
 * `demanager users instances` and `users stop-instance`: an administrator signed in to one project
 * lists a user's instances of every project and stops one in another project, by name; a member is
 * refused (403 ModelArts.0108, exit 1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { create, createProject, member, waitStatus } from '../support/api.js';
import { ADMIN_PASSWORD, cpuBody, startTestApp, type TestApp } from '../support/test-app.js';
import { explain, jsonOf, removeDir, runCli, tempDir, type CliResult } from './cli-harness.js';

describe('demanager users instances and stop-instance (CLI)', () => {
  let t: TestApp;
  let adminDir: string;
  let memberDir: string;
  let inTeam: { token: string; projectId: string };
  let notebook = '';
  const admin = (...args: string[]) => runCli(args, { configDir: adminDir });
  const ok = (result: CliResult) => assert.equal(result.code, 0, explain(result));

  before(async () => {
    t = await startTestApp();
    adminDir = tempDir();
    memberDir = tempDir();
    ok(
      await runCli(['login', '--url', t.url, '--user', 'admin', '--password', ADMIN_PASSWORD], { configDir: adminDir }),
    );
    const team = await createProject(t, 'team');
    const kai = await member(t, 'kai', team);
    inTeam = { token: kai.token, projectId: team };
    notebook = (await create(t, cpuBody('kais-nb', 'modelarts.vm.cpu.2u'), inTeam)).id;
    await waitStatus(t, notebook, 'RUNNING', inTeam);
    ok(
      await runCli(['login', '--url', t.url, '--user', 'kai', '--project', 'team', '--password', kai.password], {
        configDir: memberDir,
      }),
    );
  });

  after(async () => {
    await t.stop();
    removeDir(adminDir);
    removeDir(memberDir);
  });

  it("lists a user's instances of every project, and stops one by name", async () => {
    const list = await admin('users', 'instances', 'kai');
    ok(list);
    assert.match(list.stdout, /^ID\s+NAME\s+STATUS\s+PROJECT\s+FLAVOR\s+CREATED$/m);
    assert.match(
      list.stdout,
      new RegExp(
        `^${notebook}\\s+kais-nb\\s+RUNNING\\s+team\\s+modelarts\\.vm\\.cpu\\.2u\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`,
        'm',
      ),
    );
    assert.deepEqual(
      jsonOf(await admin('users', 'instances', 'kai', '--json')).instances.map((i: any) => [i.id, i.project_id]),
      [[notebook, inTeam.projectId]],
    );

    const stopped = await admin('users', 'stop-instance', 'kai', 'kais-nb');
    ok(stopped);
    assert.equal(stopped.stdout, `stopping kais-nb (${notebook}) of kai in project team: RUNNING -> STOPPING\n`);
    await waitStatus(t, notebook, 'STOPPED', inTeam);

    const again = await admin('users', 'stop-instance', 'kai', notebook);
    assert.equal(again.code, 1, explain(again));
    assert.match(again.stderr, /\(ModelArts\.6307\)/);
    const unknown = await admin('users', 'stop-instance', 'kai', 'no-such-nb');
    assert.notEqual(unknown.code, 0, explain(unknown));
    assert.match(unknown.stderr, /no instance with the id or name no-such-nb/);
  });

  it('a member is refused (403 ModelArts.0108, exit 1)', async () => {
    const result = await runCli(['users', 'instances', 'kai'], { configDir: memberDir });
    assert.equal(result.code, 1, explain(result));
    assert.equal(result.stderr, 'error: You are not authorized to perform this operation. (ModelArts.0108)\n');
  });
});
