import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskedRepositoryUrl } from '../../src/core/instances/repository-url.js';
import { workloadPath } from '../../src/runtime/local/child-env.js';
import { cloneTargetName } from '../../src/runtime/local/git-clone.js';
import { jupyterArgs } from '../../src/runtime/local/jupyter-command.js';
import { resolveOptions } from '../../src/runtime/local/local-driver-options.js';
import { redact } from '../../src/runtime/redact.js';
import { parseRunRecord } from '../../src/runtime/local/run-record.js';
import { pathSegments } from '../../src/runtime/local/safe-paths.js';

describe('local driver units', () => {
  const settings = { port: 40000, instanceId: 'DE-1', notebookDir: '/data/work', asRoot: false };

  it('builds notebook 6 options under NotebookApp, never with the token or a wildcard origin', () => {
    const args = jupyterArgs(
      { executable: '/usr/bin/jupyter', subcommand: 'notebook', version: '6.4.12', app: 'NotebookApp' },
      settings,
    );
    assert.equal(args[0], 'notebook');
    for (const expected of [
      '--NotebookApp.ip=127.0.0.1',
      '--NotebookApp.port=40000',
      '--NotebookApp.port_retries=0',
      '--NotebookApp.base_url=/notebook/DE-1/',
      '--NotebookApp.notebook_dir=/data/work',
      '--no-browser',
    ]) {
      assert.ok(args.includes(expected), expected);
    }
    assert.ok(!args.some((a) => /token|allow_origin|allow-root/.test(a)));
    // Jupyter refuses root without it; a notebook account never gets it.
    assert.ok(
      jupyterArgs(
        { executable: '/usr/bin/jupyter', subcommand: 'notebook', version: '6.4.12', app: 'NotebookApp' },
        { ...settings, asRoot: true },
      ).includes('--allow-root'),
    );
  });

  it('builds lab/server options under ServerApp, with an exact public origin when asked', () => {
    const args = jupyterArgs(
      { executable: '/x/jupyter', subcommand: 'lab', version: '4.2.0', app: 'ServerApp' },
      { ...settings, publicOrigin: 'https://de.example.com' },
    );
    assert.equal(args[0], 'lab');
    assert.ok(args.includes('--ServerApp.root_dir=/data/work'));
    assert.ok(args.includes('--ServerApp.allow_origin=https://de.example.com'));
    assert.throws(() => resolveOptions({ dataDir: '/d', secretFor: () => '', publicOrigin: '*' }, async () => 0));
  });

  it('puts the directory of the jupyter in use, then /usr/bin, first on PATH', () => {
    assert.equal(
      workloadPath('/root/.pyenv/shims:/usr/bin:/bin', '/usr/bin/jupyter'),
      '/usr/bin:/root/.pyenv/shims:/bin',
    );
    assert.equal(workloadPath('/usr/bin:/bin', '/opt/venv/bin/jupyter'), '/opt/venv/bin:/usr/bin:/bin');
  });

  it('reads only well-formed run records', () => {
    assert.deepEqual(parseRunRecord({ pid: 12, port: 34, runId: '0123456789abcdef', startedAt: 5, logFile: '/l' }), {
      pid: 12,
      port: 34,
      runId: '0123456789abcdef',
      startedAt: 5,
      logFile: '/l',
    });
    assert.equal(parseRunRecord({ simulated: true, startedAt: 1 }), null);
    assert.equal(parseRunRecord({ pid: -1, port: 34, runId: '0123456789abcdef' }), null);
    assert.equal(parseRunRecord(null), null);
  });

  it('splits paths without letting `..` through, and names clones like git', () => {
    assert.deepEqual(pathSegments('/bucket/dir/'), ['bucket', 'dir']);
    assert.deepEqual(pathSegments('obs://bucket/dir/'), ['bucket', 'dir']);
    assert.throws(() => pathSegments('/bucket/../x/'));
    assert.throws(() => pathSegments('/a/./b'));
    assert.equal(cloneTargetName('https://git.example.com/team/project.git'), 'project');
    assert.equal(cloneTargetName('git@example.com:team/tools'), 'tools');
    assert.equal(cloneTargetName('https://example.com/..'), 'repository');
  });

  it('masks secrets and URL passwords', () => {
    assert.equal(redact('a tok b tok', ['tok', undefined, '']), 'a [redacted] b [redacted]');
    // Over https a user name alone is often the token itself; over ssh it is the account (`git`).
    assert.equal(maskedRepositoryUrl('https://u:p4ss@h.example/x.git'), 'https://******@h.example/x.git');
    assert.equal(maskedRepositoryUrl('https://ghp_abc@h.example/x.git'), 'https://******@h.example/x.git');
    assert.equal(maskedRepositoryUrl('ssh://git:pw@h.example/x.git'), 'ssh://git:******@h.example/x.git');
    assert.equal(maskedRepositoryUrl('ssh://git@h.example:22/x.git'), 'ssh://git@h.example:22/x.git');
    assert.equal(maskedRepositoryUrl('git@h.example:x.git'), 'git@h.example:x.git');
    assert.equal(maskedRepositoryUrl('https://h.example/a@b.git'), 'https://h.example/a@b.git');
  });
});
