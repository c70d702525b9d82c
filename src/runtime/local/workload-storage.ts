/**
 * @module runtime/local/workload-storage
 * Resolves the directories a workload uses from its spec: the storage root (the notebook's
 * working directory), the log file and the custom script. `evs` is private to the instance;
 * `obs`, `efs` and `obsfs` map `/bucket/dir/` under the object root and outlive the instance.
 */
import { join } from 'node:path';
import { WorkloadError, type Workload } from '../../core/runtime.js';
import type { InstanceLayout } from './instance-layout.js';
import { ensureDirInside, existingFileInside, pathSegments, PathEscapeError } from './safe-paths.js';

export const LOG_FILE_NAME = 'notebook.log';

/** Creates (if needed) and returns the real path of the workload's storage directory. */
export async function storageDir(workload: Workload, layout: InstanceLayout, objectRoot: string): Promise<string> {
  const storage = workload.instance.spec.storage;
  return refusingEscapes('storage', async () => {
    if (storage.type === 'evs') return ensureDirInside(layout.dir, ['work']);
    const path = storage.location.path;
    if (!path) throw new WorkloadError(`The ${storage.type} storage of the instance has no path.`, 'ModelArts.6361', { phase: 'storage' });
    const segments = pathSegments(path);
    if (segments.length === 0) throw new WorkloadError(`The ${storage.type} storage path ${path} names no bucket.`, 'ModelArts.6361', { phase: 'storage' });
    return ensureDirInside(objectRoot, segments);
  });
}

/** `spec.log_path` (a directory inside the storage) or the instance's private `logs/`. */
export async function logFile(workload: Workload, layout: InstanceLayout, storage: string): Promise<string> {
  const logPath = workload.instance.spec.log_path;
  const dir = await refusingEscapes('log_path', () => (logPath ? ensureDirInside(storage, pathSegments(logPath)) : ensureDirInside(layout.dir, ['logs'])));
  return join(dir, LOG_FILE_NAME);
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
        throw new WorkloadError(`The custom script ${script} does not exist in the instance storage.`, 'ModelArts.6361', { phase: 'custom_script' });
      }
      throw err;
    }
  });
}

async function refusingEscapes<T>(field: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PathEscapeError) throw new WorkloadError(`Invalid ${field}: ${err.message}`, 'ModelArts.6361', { phase: 'storage', field });
    if (err instanceof WorkloadError) throw err;
    // Only the errno goes to the owner: the message would show the server's directory layout.
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const failure = new WorkloadError(`Failed to prepare the instance ${field} (${code}).`, 'ModelArts.6361', { phase: 'storage', field });
    failure.cause = err;
    throw failure;
  }
}
