/**
 * @module store/sqlite/sqlite-foreign-writes
 * Foreign writes on SQLite: one server owns the file, but another process may still write to it (a
 * command such as `demanager recover`, a second server started by mistake). SQLite sends nothing,
 * but `PRAGMA data_version` moves whenever another connection has committed to the file since this
 * one last looked: read when asked whether what was kept still holds, it costs about a
 * microsecond, and finding it moved tells `unknown` (anything may have changed).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ForeignWrite, ForeignWrites } from '../../core/ports/store.js';

export class SqliteForeignWrites implements ForeignWrites {
  readonly #listeners = new Set<(write: ForeignWrite) => void>();
  readonly #sqlite: BetterSqlite3.Database;
  #version: unknown;
  #statement: BetterSqlite3.Statement | undefined;

  constructor(sqlite: BetterSqlite3.Database) {
    this.#sqlite = sqlite;
  }

  listen(listener: (write: ForeignWrite) => void): Promise<() => void> {
    this.#version ??= this.#read();
    this.#listeners.add(listener);
    return Promise.resolve(() => this.#listeners.delete(listener));
  }

  caughtUp(): boolean {
    // A closed store keeps nothing worth trusting, and there is no counter left to read.
    if (!this.#sqlite.open) return false;
    const version = this.#read();
    if (version !== this.#version) {
      this.#version = version;
      for (const listener of [...this.#listeners]) listener({ kind: 'unknown' });
    }
    return true;
  }

  heardEverywhere(): Promise<void> {
    // Another process on the file reads the change counter before it trusts anything it kept:
    // a committed write is heard by its next request, with nobody to wait for.
    return Promise.resolve();
  }

  #read(): unknown {
    this.#statement ??= this.#sqlite.prepare('pragma data_version').pluck();
    return this.#statement.get();
  }
}
