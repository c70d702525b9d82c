/**
 * Prepared queries (store/prepared-query) on every dialect: built and compiled once, then run with
 * other values, which land where the placeholders were whatever their order in the query; a query
 * that would use a value other than once as a parameter is refused when it is prepared.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareQuery } from '../../src/store/prepared-query.js';
import { contractCase } from './contract-case.js';
import { makeInstance } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

for (const factory of STORE_FACTORIES) {
  describe(`prepared queries (${factory.name})`, () => {
    const c = contractCase(factory);

    it("runs with each call's values, in the places the placeholders held", async () => {
      const a = makeInstance({ projectId: 'pa', name: 'alpha', createdAt: 1_000 });
      const b = makeInstance({ projectId: 'pb', name: 'beta', createdAt: 2_000 });
      for (const instance of [a, b]) await c.store.instances.insert(instance);
      await c.database.withKysely(async (db) => {
        // Values given in one order and used in another, beside a constant of the query's own.
        const find = prepareQuery(db, 3, (name: string, after: number, project: string) =>
          db
            .selectFrom('instances')
            .select(['id'])
            .where('project_id', '=', project)
            .where('status', '!=', 'DELETED')
            .where('created_at', '>', after)
            .where('name', '=', name),
        );
        assert.deepEqual(await find('alpha', 0, 'pa'), [{ id: a.id }]);
        assert.deepEqual(await find('beta', 1_500, 'pb'), [{ id: b.id }]);
        assert.deepEqual(await find('beta', 2_000, 'pb'), []);
        assert.deepEqual(await find('alpha', 0, 'pb'), []);
        const concurrent = await Promise.all([find('alpha', 0, 'pa'), find('beta', 0, 'pb'), find('alpha', 0, 'pb')]);
        assert.deepEqual(concurrent, [[{ id: a.id }], [{ id: b.id }], []]);
      });
    });

    it('refuses a query that uses a value twice, never, or inside a pattern', async () => {
      await c.database.withKysely(async (db) => {
        const twice = () =>
          prepareQuery(db, 1, (id: string) =>
            db.selectFrom('instances').select(['id']).where('id', '=', id).where('name', '=', id),
          );
        assert.throws(twice, /value 0 is not used exactly once/);
        const never = () =>
          prepareQuery(db, 2, (id: string) => db.selectFrom('instances').select(['id']).where('id', '=', id));
        assert.throws(never, /value 1 is not used exactly once/);
        const pattern = () =>
          prepareQuery(db, 1, (name: string) =>
            db.selectFrom('instances').select(['id']).where('name', 'like', `${name}%`),
          );
        assert.throws(pattern, /value 0 is not used exactly once/);
      });
    });
  });
}
