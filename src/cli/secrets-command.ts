/**
 * @module cli/secrets-command
 * `demanager secrets rotate --new-key-file <file>`: re-seals every stored secret under a new
 * master key, with every server stopped. It holds the controller lease while it runs, so it
 * refuses while a server holds it (any running server does) and no server drives instances
 * meanwhile. When the old key is `<dataDir>/master.key` the file is replaced once every value is
 * re-sealed; a key from the configuration must then be changed there. Running it again finishes
 * an interrupted rotation.
 */
import { Command } from '@commander-js/extra-typings';
import type { Config } from '../server/config.js';
import { sealingBoxes } from '../core/secrets/box.js';
import { resealSecrets, RotationRefused, type RotationCount } from '../core/secrets/rotation.js';
import type { Store } from '../core/ports/store.js';
import { LeaseKeeper } from '../core/replica/lease-keeper.js';
import { systemClock } from '../core/shared/clock.js';
import { silentLogger } from '../core/shared/logger.js';
import { existingKey, readKeyFile, replaceKeyFile } from '../server/key-file.js';
import { UsageError } from './cli-errors.js';
import { serverConfig, withServerFlags } from './server-config.js';

/** Runs `work` holding the controller lease, renewed until it is done, then hands it back. */
async function holdingController<T>(store: Store, config: Config, work: () => Promise<T>): Promise<T> {
  const { CONTROLLER_LEASE } = await import('../server/services.js');
  const { leaseTtlMs: ttlMs, leaseRenewMs: renewMs } = config.coordination;
  const lease = { name: CONTROLLER_LEASE, holder: `secrets-rotate-${process.pid}`, ttlMs, renewMs };
  // No duties to start or stop: the rotation is `work`, run below only once the lease is held.
  // Silent: this command's output is its report, and a failed renewal is retried anyway.
  const keeper = new LeaseKeeper(store.leases, systemClock, silentLogger, lease, {
    acquired: async () => {},
    lost: async () => {},
  });
  await keeper.start();
  try {
    if (!keeper.held) {
      const server = await store.leases.holder(CONTROLLER_LEASE, systemClock.now());
      throw new RotationRefused(
        `a server (${server ?? 'just stopped'}) holds the controller lease: stop every server first ` +
          `(a server killed without shutting down lets go after ${ttlMs / 1000} s)`,
      );
    }
    return await work();
  } finally {
    await keeper.close();
  }
}

const counted = ({ sealed, resealed }: RotationCount, what: string) => `${resealed} of ${sealed} ${what}`;

function rotateCommand() {
  return withServerFlags(new Command('rotate'))
    .description('re-seal every stored secret under a new master key (stop every server first)')
    .requiredOption(
      '--new-key-file <file>',
      'the new master key: base64 of 32 bytes (e.g. `openssl rand -base64 32 > new.key`)',
    )
    .option('--old-key-file <file>', 'the key the secrets are sealed with now (default: the configured master key)')
    .action(async (opts) => {
      const config = serverConfig(opts);
      const newKey = readKeyFile(opts.newKeyFile);
      const oldKey = opts.oldKeyFile ? readKeyFile(opts.oldKeyFile) : existingKey(config.dataDir, config.masterKey);
      if (!oldKey)
        throw new UsageError(
          `no master key is configured and ${config.dataDir}/master.key does not exist: give --old-key-file`,
        );
      // Loaded here so the client commands do not pay for the store at start-up.
      const { openStore } = await import('../store/open-store.js');
      const store = await openStore(config.databaseUrl);
      try {
        const result = await holdingController(store, config, () =>
          resealSecrets(store, sealingBoxes(newKey, [oldKey])),
        );
        process.stdout.write(
          `re-sealed ${counted(result.instances, "instances' credentials")} and ${counted(result.accessKeys, "access keys' secrets")} ` +
            'with the new key (the others already were)\n',
        );
      } finally {
        await store.close();
      }
      if (config.masterKey) {
        process.stdout.write(
          'the master key comes from the configuration: set masterKey (or DEMANAGER_MASTER_KEY) to the new key on every server before starting it\n',
        );
      } else {
        process.stdout.write(`replaced ${replaceKeyFile(config.dataDir, newKey)} with the new key\n`);
      }
    });
}

export function secretsCommand() {
  return new Command('secrets')
    .description('manage the master key that seals stored secrets')
    .addCommand(rotateCommand());
}
