/**
 * The sweep every test process loads (os-account-sweep) removes what was made while it ran, but
 * not from under another test run: two processes that load it, neither the other's ancestor, the
 * first to exit leaving its names to the last. As root (CI is): it makes a real group and a real
 * control group.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ControlGroup, findHierarchy } from '../../src/runtime/local/isolation/control-groups.js';
import { PROJECT_GROUP_PREFIX } from '../../src/runtime/local/isolation/os-accounts.js';

const root = process.getuid?.() === 0;
const hierarchy = root ? await findHierarchy() : null;
const SWEEP = new URL('./os-account-sweep.ts', import.meta.url).pathname;
const registry = mkdtempSync(join(tmpdir(), 'demanager-sweep-test-'));
after(() => rmSync(registry, { recursive: true, force: true }));

/** A Node process with the sweep loaded, running `script` (CommonJS) until its stdin closes. */
function withSweep(script: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      SWEEP,
      '-e',
      `${script}; process.stdin.resume(); process.stdin.on('end', () => {});`,
    ],
    // A registry of their own: the sweeps of other test runs on the machine are none of theirs.
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, DEMANAGER_TEST_SWEEP_DIR: registry } },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited };
}

/** Resolves once the child has printed `line`. */
function said(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(line)) resolve();
    });
    child.once('exit', () => reject(new Error(`exited before saying ${line}: ${out}`)));
  });
}

const groupExists = (name: string) =>
  readFileSync('/etc/group', 'utf8')
    .split('\n')
    .some((line) => line.split(':')[0] === name);

describe('the test processes’ account sweep', { skip: hierarchy ? false : 'needs root and control groups' }, () => {
  it('leaves what another run may be using, and the last run to exit removes it', async () => {
    const tag = randomBytes(4).toString('hex');
    const group = `${PROJECT_GROUP_PREFIX}sweep${tag}`;
    const cgroup = join(dirname(new ControlGroup(hierarchy!, 'DE-x').dirs[0]!), `DE-sweep-${tag}`);
    // The first run: alive while the second makes things and exits.
    const first = withSweep("console.log('registered')");
    await said(first.child, 'registered');
    try {
      const second = withSweep(
        `const { execFileSync } = require('node:child_process'); const { mkdirSync } = require('node:fs');
         mkdirSync(${JSON.stringify(cgroup)}, { recursive: true }); execFileSync('groupadd', [${JSON.stringify(group)}]);
         console.log('made'); process.stdin.on('end', () => process.exit(0))`,
      );
      await said(second.child, 'made');
      second.child.stdin!.end();
      assert.equal(await second.exited, 0);
      assert.ok(existsSync(cgroup), 'the empty control group is left while another run may be about to use it');
      assert.ok(groupExists(group), 'so is the group');
      assert.ok(existsSync(join(registry, `left-${second.child.pid}.json`)));

      first.child.stdin!.end();
      await first.exited;
      assert.equal(existsSync(cgroup), false, 'the last run removed the control group left to it');
      assert.equal(groupExists(group), false, 'and the group');
    } finally {
      first.child.kill();
      if (existsSync(cgroup)) rmdirSync(cgroup);
    }
  });

  it('removes what it made when no other run is alive', async () => {
    const tag = randomBytes(4).toString('hex');
    const group = `${PROJECT_GROUP_PREFIX}sweep${tag}`;
    const alone = withSweep(
      `require('node:child_process').execFileSync('groupadd', [${JSON.stringify(group)}]); console.log('made')`,
    );
    await said(alone.child, 'made');
    assert.ok(groupExists(group));
    alone.child.stdin!.end();
    await alone.exited;
    assert.equal(groupExists(group), false);
  });
});
