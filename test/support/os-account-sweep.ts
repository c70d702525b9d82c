/**
 * @module test/support/os-account-sweep
 * Loaded into every test process (`--import` in package.json): notes the notebook accounts,
 * project groups and instance control groups that exist when the process starts, and at exit
 * removes those made since. Tests run as root make real accounts for real users and real control
 * groups for their notebooks; without this each run would leave its users' accounts in
 * /etc/passwd, and the groups of notebooks a test never stopped. Only demanager's names (`dm-…`,
 * `dmp-…`, `demanager/DE-…`) made during this process are touched, and a control group only once
 * it is empty.
 *
 * Made since this process started is not made by it when another test run shares the machine (a
 * second `npm test`, or a single file run beside the suite): what that run has just made, an
 * account or a still empty control group its notebook is about to join, would be removed under it.
 * So each test process registers itself (`<tmp>/demanager-test-sweep/<pid>.json`), and one that
 * exits while a test process that is neither its ancestor nor its descendant still runs removes
 * nothing: it leaves the names it would have removed in that directory, for the last one to exit,
 * which removes its own and every name left to it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ControlGroup, findHierarchy } from '../../src/runtime/local/isolation/control-groups.js';
import { ACCOUNT_PREFIX, PROJECT_GROUP_PREFIX } from '../../src/runtime/local/isolation/os-accounts.js';
import { procStat } from './proc-stat.js';

/** What a sweep removes: control-group directories, account names, group names. */
interface Leftovers {
  cgroups: string[];
  accounts: string[];
  groups: string[];
}

/** Where test processes register; a test of the sweep gives its own processes a directory of their own. */
const REGISTRY = process.env.DEMANAGER_TEST_SWEEP_DIR ?? join(tmpdir(), 'demanager-test-sweep');

function names(file: string, prefix: string): Set<string> {
  try {
    return new Set(
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.split(':')[0]!)
        .filter((name) => name.startsWith(prefix)),
    );
  } catch {
    return new Set();
  }
}

function ancestors(): Set<number> {
  const found = new Set<number>();
  for (let pid = process.ppid; pid > 1 && !found.has(pid); pid = procStat(pid)?.ppid ?? 0) found.add(pid);
  return found;
}

/** Whether `pid` descends from this process (its children are its to wait for, not to defer to). */
function descends(pid: number): boolean {
  for (let seen = 0, at = pid; at > 1 && seen < 64; seen++) {
    at = procStat(at)?.ppid ?? 0;
    if (at === process.pid) return true;
  }
  return false;
}

/** The registered test processes still running (their start time tells a reused pid apart). */
function otherRunsAlive(): boolean {
  const mine = ancestors();
  let alive = false;
  for (const name of entries(REGISTRY)) {
    const match = /^(\d+)\.json$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid) continue;
    let started: unknown;
    try {
      started = JSON.parse(readFileSync(join(REGISTRY, name), 'utf8')).started;
    } catch {
      continue;
    }
    if (procStat(pid)?.started !== started) {
      quietly(() => rmSync(join(REGISTRY, name), { force: true }));
      continue;
    }
    if (!mine.has(pid) && !descends(pid)) alive = true;
  }
  return alive;
}

function leftToMe(): Leftovers[] {
  const left: Leftovers[] = [];
  for (const name of entries(REGISTRY)) {
    if (!name.startsWith('left-')) continue;
    const file = join(REGISTRY, name);
    try {
      left.push(JSON.parse(readFileSync(file, 'utf8')) as Leftovers);
    } catch {
      // Half-written by a process that died while writing it: what it named is someone else's to find.
    }
    quietly(() => rmSync(file, { force: true }));
  }
  return left;
}

function remove({ cgroups, accounts, groups }: Leftovers): void {
  for (const group of cgroups) quietly(() => rmdirSync(group));
  for (const name of accounts) quietly(() => execFileSync('userdel', [name], { stdio: 'ignore' }));
  for (const name of groups) quietly(() => execFileSync('groupdel', [name], { stdio: 'ignore' }));
}

const accountsBefore = names('/etc/passwd', ACCOUNT_PREFIX);
const groupsBefore = names('/etc/group', PROJECT_GROUP_PREFIX);
const hierarchy = process.getuid?.() === 0 ? await findHierarchy() : null;
const cgroupParents = hierarchy ? new ControlGroup(hierarchy, 'DE-x').dirs.map(dirname) : [];
const instanceGroups = () =>
  cgroupParents.flatMap((parent) =>
    entries(parent)
      .filter((name) => name.startsWith('DE-'))
      .map((name) => join(parent, name)),
  );
const cgroupsBefore = new Set(instanceGroups());

if (process.getuid?.() === 0) {
  const registration = join(REGISTRY, `${process.pid}.json`);
  quietly(() => {
    mkdirSync(REGISTRY, { recursive: true, mode: 0o700 });
    writeFileSync(registration, JSON.stringify({ started: procStat(process.pid)?.started }));
  });
  process.on('exit', () => {
    const mine: Leftovers = {
      cgroups: instanceGroups().filter((group) => !cgroupsBefore.has(group)),
      accounts: [...names('/etc/passwd', ACCOUNT_PREFIX)].filter((name) => !accountsBefore.has(name)),
      groups: [...names('/etc/group', PROJECT_GROUP_PREFIX)].filter((name) => !groupsBefore.has(name)),
    };
    if (otherRunsAlive()) {
      quietly(() => writeFileSync(join(REGISTRY, `left-${process.pid}.json`), JSON.stringify(mine)));
    } else {
      remove(mine);
      for (const left of leftToMe()) remove(left);
    }
    quietly(() => rmSync(registration, { force: true }));
  });
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function quietly(remove: () => void): void {
  try {
    remove();
  } catch {
    // In use by a process still running, or already gone: nothing more to do at exit.
  }
}
