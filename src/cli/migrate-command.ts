/**
 * @module cli/migrate-command
 * `demanager migrate`: brings the configured database to the newest schema and says what it ran.
 * Idempotent, and safe to run from several replicas at once (the store serialises migrators).
 */
import { Command } from '@commander-js/extra-typings';
import { serverConfig, withServerFlags } from './server-config.js';

export function migrateCommand() {
  return withServerFlags(new Command('migrate'))
    .description('apply pending database migrations (serve also does this on start)')
    .action(async (opts) => {
      const config = serverConfig(opts);
      const { openStore, pendingMigrationsOf } = await import('../store/open-store.js');
      const before = await pendingMigrationsOf(config.databaseUrl);
      const store = await openStore(config.databaseUrl);
      try {
        const after = await store.pendingMigrations();
        if (after.length > 0) throw new Error(`migrations still pending: ${after.join(', ')}`);
        process.stdout.write(
          before.length === 0 ? 'the database schema is current\n' : `applied ${before.join(', ')}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
