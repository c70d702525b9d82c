/**
 * @module runtime/local/instances-owner
 * Which database the instance directories under a data directory belong to. Orphan collection
 * deletes the directories of instances its database does not hold; a service pointed at another
 * (or an empty) database with the same data directory would otherwise delete every notebook's
 * files. The first database to use the directory stamps it; any other is refused collection.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const STAMP = '.installation';

/** Stamps `root` for `installationId` unless stamped already; true when the stamp is that id. */
export async function claimInstances(root: string, installationId: string): Promise<boolean> {
  const stamp = join(root, STAMP);
  await mkdir(root, { recursive: true, mode: 0o700 });
  try {
    await writeFile(stamp, `${installationId}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return (await readFile(stamp, 'utf8')).trim() === installationId;
}
