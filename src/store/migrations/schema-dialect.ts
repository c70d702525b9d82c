/**
 * @module store/migrations/schema-dialect
 * The few facts about a dialect that the schema depends on. Migrations are handed one of these
 * rather than sniffing the connection, so the one migration set builds equivalent schemas on
 * SQLite and PostgreSQL.
 */
import { sql, type ColumnBuilderCallback, type ColumnDataType, type Expression } from 'kysely';

/** A column type plus the constraints that go with it. */
export interface ColumnSpec {
  readonly type: ColumnDataType | Expression<unknown>;
  readonly build: ColumnBuilderCallback;
}

export interface SchemaDialect {
  /**
   * The type of every text column that is compared, sorted or indexed. It must order by bytes
   * (for UTF-8 that is code point order) on every dialect, so that lists sorted by name, and the
   * pages cut from them, come out the same on SQLite and PostgreSQL whatever the database's locale.
   */
  readonly keyText: ColumnDataType | Expression<unknown>;
  /** An integer primary key the database assigns, increasing with every insert and never reused. */
  readonly serialKey: ColumnSpec;
  /** Which engine: the few statements the schema builder cannot spell (triggers) differ by it. */
  readonly engine: 'sqlite' | 'postgres';
}

/**
 * SQLite compares text with its BINARY collation (memcmp) unless a column says otherwise. Without
 * AUTOINCREMENT an `integer primary key` may hand out the largest key again once its row is gone.
 */
export const SQLITE_SCHEMA: SchemaDialect = {
  keyText: 'text',
  serialKey: { type: 'integer', build: (c) => c.primaryKey().autoIncrement() },
  engine: 'sqlite',
};

/**
 * PostgreSQL's default collation follows the database's locale (under en-US, "alpha" sorts
 * before "Beta" and "a_b" before "a-b"); the "C" collation compares bytes, like SQLite. Kysely's
 * `autoIncrement()` has no PostgreSQL spelling; an identity column is the standard one.
 */
export const POSTGRES_SCHEMA: SchemaDialect = {
  keyText: sql`text collate "C"`,
  serialKey: { type: 'bigint', build: (c) => c.primaryKey().generatedAlwaysAsIdentity() },
  engine: 'postgres',
};
