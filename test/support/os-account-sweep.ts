/**
 * @module test/support/os-account-sweep
 * Loaded into every test process (`--import` in package.json): notes the notebook accounts,
 * project groups and instance control groups that exist when the process starts, and at exit
 * removes those made since. Tests run as root make real accounts for real users and real control
 * groups for their notebooks; without this each run would leave its users' accounts in
 * /etc/passwd, and the groups of notebooks a test never stopped. Only demanager's names (`dm-…`,
 * `dmp-…`, `demanager/DE-…`) made during this process are touched, and a control group only once
 * it is empty.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ControlGroup, findHierarchy } from '../../src/runtime/local/isolation/control-groups.js';
import { ACCOUNT_PREFIX, PROJECT_GROUP_PREFIX } from '../../src/runtime/local/isolation/os-accounts.js';

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
  process.on('exit', () => {
    for (const group of instanceGroups()) {
      if (!cgroupsBefore.has(group)) quietly(() => rmdirSync(group));
    }
    for (const name of names('/etc/passwd', ACCOUNT_PREFIX)) {
      if (!accountsBefore.has(name)) quietly(() => execFileSync('userdel', [name], { stdio: 'ignore' }));
    }
    for (const name of names('/etc/group', PROJECT_GROUP_PREFIX)) {
      if (!groupsBefore.has(name)) quietly(() => execFileSync('groupdel', [name], { stdio: 'ignore' }));
    }
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
