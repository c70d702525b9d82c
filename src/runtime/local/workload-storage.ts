/**
 * @module runtime/local/workload-storage
 * Resolves the directories a workload uses from its spec: the storage root (the notebook's
 * working directory), the log file and the custom script. `evs` is private to the instance;
 * `obs`, `efs` and `obsfs` map `/bucket/dir/` under the object root and outlive the instance.
 *
 * When notebooks run as their own accounts (see isolation/), the service never creates or
 * changes anything inside storage a notebook can write as root: it makes and hands over the
 * top directories (`work/`, a project's bucket) and runs everything below them — a path's
 * directories, the log link — as the notebook's account, so a planted symbolic link can lead
 * only where that account could go anyway.
 */
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkloadError, type Workload } from '../../core/ports/runtime.js';
import type { InstanceLayout } from './instance-layout.js';
import { claimBucket, handOver, passThrough } from './isolation/file-ownership.js';
import type { WorkloadIdentity } from './isolation/workload-isolation.js';
import type { RunResult } from './run-to-exit.js';
import { ensureDirInside, existingFileInside, isInside, pathSegments, PathEscapeError } from './safe-paths.js';

export const LOG_FILE_NAME = 'notebook.log';

/** Runs `file args…` in `cwd` as the workload would (its account, if it has one), and resolves with how it ended. */
export type RunAsWorkload = (file: string, args: readonly string[], cwd: string) => Promise<RunResult>;

/** How storage is reached when the workload runs as its own account. */
export interface AccountAccess {
  identity: WorkloadIdentity;
  run: RunAsWorkload;
}

/** Creates (if needed) and returns the real path of the workload's storage directory. */
export async function storageDir(
  workload: Workload,
  layout: InstanceLayout,
  objectRoot: string,
  access?: AccountAccess,
): Promise<string> {
  const storage = workload.instance.spec.storage;
  return refusingEscapes('storage', async () => {
    if (storage.type === 'evs') {
      if (!access) return ensureDirInside(layout.dir, ['work']);
      await handOver(layout.work, access.identity.uid, access.identity.gid);
      return layout.work;
    }
    const path = storage.location.path;
    if (!path)
      throw new WorkloadError(`The ${storage.type} storage of the instance has no path.`, 'ModelArts.6361', {
        phase: 'storage',
      });
    const segments = pathSegments(path);
    if (segments.length === 0)
      throw new WorkloadError(`The ${storage.type} storage path ${path} names no bucket.`, 'ModelArts.6361', {
        phase: 'storage',
      });
    if (!access) return ensureDirInside(objectRoot, segments);
    await passThrough(objectRoot);
    const bucket = join(objectRoot, segments[0]!);
    await claimBucket(bucket, access.identity.gid);
    const rest = segments.slice(1);
    if (rest.length)
      await asWorkload(access.run, 'mkdir', ['-p', '--', rest.join('/')], bucket, `the ${storage.type} path ${path}`);
    const real = await realpath(join(bucket, ...rest));
    if (!isInside(bucket, real))
      throw new PathEscapeError(`The path ${JSON.stringify(path)} leads outside its bucket.`);
    return real;
  });
}

/**
 * The log file: always the instance's own `logs/notebook.log`, a directory no notebook can write,
 * so rotating and quoting it never follows a link a notebook planted. With `spec.log_path` (a
 * directory inside the storage) the log is also reachable there, as a symbolic link.
 */
export async function logFile(
  workload: Workload,
  layout: InstanceLayout,
  storage: string,
  run: RunAsWorkload,
): Promise<string> {
  const file = join(layout.logs, LOG_FILE_NAME);
  const logPath = workload.instance.spec.log_path;
  if (!logPath) return file;
  const segments = await refusingEscapes('log_path', async () => pathSegments(logPath));
  // An older release wrote the log itself there: it is kept beside the link as notebook.log.old.
  const link = `mkdir -p -- "$1" && cd -- "$1" && { [ -L ${LOG_FILE_NAME} ] || [ ! -e ${LOG_FILE_NAME} ] || mv -f -- ${LOG_FILE_NAME} ${LOG_FILE_NAME}.old; } && ln -sfn -- "$2" ${LOG_FILE_NAME}`;
  const args = ['-c', link, 'sh', segments.length ? segments.join('/') : '.', file];
  await asWorkload(run, '/bin/sh', args, storage, `the log_path ${logPath}`);
  return file;
}

/** The real path of `spec.custom_script_path` inside the storage, or null when none is set. */
export async function customScript(workload: Workload, storage: string): Promise<string | null> {
  const script = workload.instance.spec.custom_script_path;
  if (!script) return null;
  return refusingEscapes('custom_script_path', async () => {
    try {
      return await existingFileInside(storage, pathSegments(script));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new WorkloadError(
          `The custom script ${script} does not exist in the instance storage.`,
          'ModelArts.6361',
          { phase: 'custom_script' },
        );
      }
      throw err;
    }
  });
}

/** Runs a preparing step as the workload; its failure fails the start, saying what it prepared. */
export async function asWorkload(
  run: RunAsWorkload,
  file: string,
  args: readonly string[],
  cwd: string,
  what: string,
  phase = 'storage',
): Promise<void> {
  const result = await run(file, args, cwd);
  if (result.code === 0) return;
  const said = result.output.trim().split('\n').slice(-3).join(' ');
  throw new WorkloadError(
    `Failed to prepare ${what}: ${said || `exit ${result.code ?? result.signal}`}`,
    'ModelArts.6361',
    { phase },
  );
}

async function refusingEscapes<T>(field: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PathEscapeError)
      throw new WorkloadError(`Invalid ${field}: ${err.message}`, 'ModelArts.6361', { phase: 'storage', field });
    if (err instanceof WorkloadError) throw err;
    // Only the errno goes to the owner: the message would show the server's directory layout.
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const failure = new WorkloadError(`Failed to prepare the instance ${field} (${code}).`, 'ModelArts.6361', {
      phase: 'storage',
      field,
    });
    failure.cause = err;
    throw failure;
  }
}
