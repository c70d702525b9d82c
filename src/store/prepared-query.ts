/**
 * @module store/prepared-query
 * A query that Kysely builds and compiles once and that then runs with other values. Kysely
 * builds and compiles every query anew, and for the indexed reads made on every request (an
 * instance by its id) that cost several times what the database spends answering. A compiled
 * query's parameters come out in the order the values were given, so the values of a later run
 * are put where the placeholders were.
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** Values no caller sends, so each is found in the compiled parameters exactly where it went in. */
function placeholder(index: number): string {
  return `\u0000demanager-parameter-${index}\u0000`;
}

export type PreparedQuery<P extends readonly unknown[], R> = (...values: P) => Promise<R[]>;

/**
 * `build` is called once with placeholders in place of its `arity` values; the query it returns
 * must use each exactly once, as a parameter (not, say, in a `like` pattern built from it).
 */
export function prepareQuery<P extends readonly unknown[], R>(
  db: Kysely<any>,
  arity: number,
  build: (...values: P) => Compilable<R>,
): PreparedQuery<P, R> {
  const names = Array.from({ length: arity }, (_, i) => placeholder(i));
  const compiled = build(...(names as unknown as P)).compile();
  const slots = compiled.parameters.map((value) => names.indexOf(value as string));
  for (let i = 0; i < arity; i++) {
    if (slots.filter((slot) => slot === i).length !== 1)
      throw new Error(`prepared query: value ${i} is not used exactly once as a parameter in ${compiled.sql}`);
  }
  const fixed = compiled.parameters;
  return async (...values) => {
    const parameters = slots.map((slot, i) => (slot < 0 ? fixed[i] : values[slot]));
    const result = await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows;
  };
}
