/**
 * @module store/sqlite/private-files
 * The database file and its journals are its owner's alone. SQLite makes `-wal` and `-shm` with
 * the mode of the database file, so a file made 0600 before SQLite opens it keeps all three
 * private whatever the process umask; files an older release left readable by others are closed.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const COMPANIONS = ['', '-wal', '-shm', '-journal'];

export function privateDatabaseFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of COMPANIONS.map((suffix) => path + suffix)) {
    try {
      const { mode } = statSync(file);
      if (mode & 0o077) chmodSync(file, mode & 0o700);
    } catch (err) {
      // Absent, or another account's file that this one may still use: SQLite says if it cannot.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw err;
    }
  }
}
