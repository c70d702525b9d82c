/**
 * @module test/store/query-plan
 * The plan an engine makes for a compiled query, one line per step: SQLite's EXPLAIN QUERY PLAN,
 * PostgreSQL's EXPLAIN. For the plan tests and the benchmarks that print them.
 */
import { CompiledQuery, type Kysely } from 'kysely';

export async function planOf(db: Kysely<any>, engine: 'sqlite' | 'postgres', query: CompiledQuery): Promise<string> {
  const postgres = engine === 'postgres';
  const explain = CompiledQuery.raw(`${postgres ? 'explain' : 'explain query plan'} ${query.sql}`, [
    ...query.parameters,
  ]);
  const { rows } = await db.executeQuery<Record<string, string>>(explain);
  return rows.map((row) => (postgres ? row['QUERY PLAN'] : row.detail)).join(' | ');
}
