/**
 * @module store/sqlite/statement-cache
 * Kysely's SQLite driver prepares every query anew; compiling SQL costs more than running the
 * small indexed reads the API makes. This hands it a database whose `prepare` keeps the last
 * statements by their SQL text (Kysely's SQL is parameterised, so the texts repeat).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct query texts kept; `in (?, ?, …)` lists of varying length are what make more. */
const MAX_STATEMENTS = 500;

export function cachingStatements(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) return statement;
      statement = sqlite.prepare(sql);
      if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
      return statement;
    },
  };
}
