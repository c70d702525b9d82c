/**
 * @module test/store/newer-schema
 * A database that a newer release migrated (it has run a migration this code does not know) is
 * refused, with a message that says so, by the store and by `demanager serve` and `migrate`, on
 * SQLite and PostgreSQL, and is left untouched: not even this code's own pending migrations run.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { NewerSchemaError } from '../../src/store/migrations/schema-version.js';
import { explain, removeDir, runCli, tempDir } from '../cli/cli-harness.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';
import { STORE_FACTORIES, type TestDatabase } from './store-factories.js';

const FUTURE = '9999-from-a-newer-release';
const MESSAGE =
  /upgraded by a newer demanager than this one \(\d+\.\d+\.\d+\): it has run migrations this version does not know \(9999-from-a-newer-release\)/;

async function migrationsOf(database: TestDatabase): Promise<string[]> {
  return database.withKysely(async (db) => {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    return rows.map((r) => r.name);
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`a database from a newer release (${factory.name})`, () => {
    let database: TestDatabase;
    let dir: string;
    let configFile: string;

    before(async () => {
      database = await factory.createDatabase();
      // An older schema as well, so that refusing must also mean not running this code's migrations.
      await database.migrateTo('0002-events-and-leases');
      await database.withKysely(async (db) => {
        await sql`insert into kysely_migration (name, timestamp) values (${FUTURE}, ${new Date().toISOString()})`.execute(
          db,
        );
      });
      dir = tempDir();
      configFile = join(dir, 'config.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          dataDir: join(dir, 'data'),
          databaseUrl: database.url,
          masterKey: TEST_MASTER_KEY,
          runtime: { driver: 'simulated' },
          port: 0,
        }),
      );
    });

    after(async () => {
      removeDir(dir);
      await database.drop();
    });

    it('is refused by the store, which runs none of its own migrations on it', async () => {
      await assert.rejects(
        database.open(),
        (err: unknown) => err instanceof NewerSchemaError && MESSAGE.test(err.message),
      );
      assert.deepEqual(await migrationsOf(database), ['0001-initial', '0002-events-and-leases', FUTURE]);
    });

    for (const command of ['migrate', 'serve']) {
      it(`is refused by \`demanager ${command}\` with a message that says why`, async () => {
        const result = await runCli([command, '--config', configFile], { configDir: dir });
        assert.equal(result.code, 1, explain(result));
        assert.match(result.stderr, MESSAGE, explain(result));
        assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
        assert.deepEqual(await migrationsOf(database), ['0001-initial', '0002-events-and-leases', FUTURE]);
      });
    }
  });
}
