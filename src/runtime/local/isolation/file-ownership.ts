/**
 * @module runtime/local/isolation/file-ownership
 * Who may read what under the data directory. Without isolation it and everything at its top are
 * the service's alone (0700, 0600). When notebooks run as their own accounts:
 * - the data directory, `instances/` and the object root are 0711: an account can pass through
 *   to the paths it is given but list nothing; every other entry of the data directory (the
 *   database and its journals, the master key, the stamps) loses its group and other bits;
 * - an instance's `work/` (evs) and `home/` belong to its account, mode 0700;
 * - an obs bucket belongs to its project's group, mode 2770 (the setgid bit keeps new entries
 *   in the group), and to no other project's: the one the store says holds it.
 * A directory that predates isolation (root's, from an earlier release) is handed over whole,
 * once: `chown -R` without following symbolic links.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PathEscapeError } from '../safe-paths.js';

const run = promisify(execFile);

/** Makes `path` (or keeps it) a directory of `uid:gid` with `mode`, handing its contents over the first time. */
export async function handOver(path: string, uid: number, gid: number, mode = 0o700): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  const info = await lstat(path);
  if (!info.isDirectory())
    throw new PathEscapeError(`The directory ${basename(path)} of the instance is not a directory.`);
  if (info.uid !== uid || info.gid !== gid) await run('chown', ['-R', '--no-dereference', `${uid}:${gid}`, '--', path]);
  if ((info.mode & 0o7777) !== mode) await chmod(path, mode);
}

/** A root-owned directory others may pass through but not list. */
export async function passThrough(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o711 });
  await chmod(path, 0o711);
}

/**
 * Closes the data directory to every other account. With `open` (users mode: the instance and
 * object roots), notebook accounts may still pass through it to those, but list nothing; without,
 * the directory is the service's alone (0700), as it is when notebooks run as the service itself.
 */
export async function lockDataDir(dataDir: string, open: readonly string[] | null): Promise<void> {
  if (open) await passThrough(dataDir);
  else await closeToOthers(dataDir);
  for (const entry of await readdir(dataDir, { withFileTypes: true })) {
    const path = join(dataDir, entry.name);
    if (open?.includes(path) || entry.isSymbolicLink()) continue;
    await closeToOthers(path);
  }
  for (const path of open ?? []) await passThrough(path);
}

async function closeToOthers(path: string): Promise<void> {
  const { mode } = await lstat(path);
  if (mode & 0o077) await chmod(path, mode & 0o7700);
}

/**
 * Null when every ancestor of `dir` lets others through (`x` for others), else what to fix: an
 * account cannot reach its files below a directory such as a `mkdtemp` one (0700).
 */
export async function unreachableAncestor(dir: string): Promise<string | null> {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const { mode } = await stat(current);
    if (!(mode & 0o001)) return `${current} (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`;
    if (dirname(current) === current) return null;
  }
}

/**
 * Gives a bucket (a directory right under the object root) to the project's group, contents
 * included, when another group has it: one made before isolation (the service's), just now, or
 * another project's until a system admin assigned the bucket to this one. Which project holds a
 * bucket is the store's to say (core/model/obs-buckets), and the reconciler has checked it for this
 * start; the files follow, so the project it was taken from loses them.
 */
export async function claimBucket(bucket: string, gid: number): Promise<void> {
  await mkdir(bucket, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const info = await lstat(bucket);
  const name = JSON.stringify(basename(bucket));
  if (info.isSymbolicLink()) throw new PathEscapeError(`The path component ${name} leads outside its root.`);
  if (!info.isDirectory()) throw new PathEscapeError(`The path component ${name} is not a directory.`);
  if (info.gid !== gid) {
    await run('chown', ['-R', '--no-dereference', `0:${gid}`, '--', bucket]);
    await run('chmod', ['-R', 'g+rwX,o-rwx', '--', bucket]);
  }
  if ((info.mode & 0o7777) !== 0o2770 || info.uid !== 0) {
    await chown(bucket, 0, gid);
    await chmod(bucket, 0o2770);
  }
}
