/**
 * @module test/support/os-account-sweep
 * Loaded into every test process (`--import` in package.json): notes the notebook accounts and
 * project groups that exist when the process starts, and at exit removes those made since. Tests
 * run as root make real accounts for real users; without this each run would leave its users'
 * accounts in /etc/passwd. Only demanager's names (`dm-…`, `dmp-…`) made during this process are
 * touched.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

if (process.getuid?.() === 0) {
  process.on('exit', () => {
    for (const name of names('/etc/passwd', ACCOUNT_PREFIX)) {
      if (!accountsBefore.has(name)) quietly('userdel', [name]);
    }
    for (const name of names('/etc/group', PROJECT_GROUP_PREFIX)) {
      if (!groupsBefore.has(name)) quietly('groupdel', [name]);
    }
  });
}

function quietly(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    // In use by a process still running, or already gone: nothing more to do at exit.
  }
}
