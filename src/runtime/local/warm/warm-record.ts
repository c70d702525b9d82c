/**
 * @module runtime/local/warm/warm-record
 * What the local driver keeps about each warm server, outside its memory so that a restarted
 * service (after a crash, or SIGKILL) finds every one again: `<dataDir>/warm/<instance id>.json`
 * names the flavor and profile and whether it answered, and is written *before* the server is
 * spawned, so no server ever runs without a record; the server's run record (pid, port, run id)
 * is `warm-run.json` in the instance directory the slot already has. Taking a slot over removes
 * its record first: from then on the server is the instance's, found through its run file.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInstanceId } from '../../../core/model/instance.js';
import type { WarmSlot } from '../../../core/ports/runtime.js';

export const WARM_RUN_FILE = 'warm-run.json';

export type WarmRecord = Omit<WarmSlot, 'instanceId'>;

export function warmDir(dataDir: string): string {
  return join(dataDir, 'warm');
}

function recordFile(dataDir: string, instanceId: string): string {
  return join(warmDir(dataDir), `${instanceId}.json`);
}

export async function writeWarmRecord(dataDir: string, instanceId: string, record: WarmRecord): Promise<void> {
  await mkdir(warmDir(dataDir), { recursive: true, mode: 0o700 });
  await writeFile(recordFile(dataDir, instanceId), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** Removes the record; true when there was one (so exactly one caller takes a slot over). */
export async function removeWarmRecord(dataDir: string, instanceId: string): Promise<boolean> {
  try {
    await rm(recordFile(dataDir, instanceId));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function readWarmRecord(dataDir: string, instanceId: string): Promise<WarmRecord | null> {
  try {
    const { flavor, profileId, ready } = JSON.parse(await readFile(recordFile(dataDir, instanceId), 'utf8'));
    if (typeof flavor !== 'string' || typeof profileId !== 'string') return null;
    return { flavor, profileId, ready: ready === true };
  } catch {
    return null;
  }
}

/** The instance ids with a warm record; only names of the instance id shape count. */
export async function warmIds(dataDir: string): Promise<string[]> {
  const names = await readdir(warmDir(dataDir)).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -5))
    .filter(isInstanceId);
}
