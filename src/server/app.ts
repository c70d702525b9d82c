/**
 * @module server/app
 * A complete running service — store, services, first-start bootstrap, HTTP server, reconciler —
 * started from a config and stopped as one. `demanager serve` and the end-to-end tests use it.
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger as PinoLogger } from 'pino';
import type { Clock } from '../core/shared/clock.js';
import type { BootstrapResult } from '../core/identity/service.js';
import type { RuntimeDriver } from '../core/ports/runtime.js';
import { isPostgresUrl, type Config } from './config.js';
import { LocalDriver } from '../runtime/local/local-driver.js';
import { buildServer, LOG_OPTIONS } from './http-server.js';
import { createServices, type Services } from './services.js';

const TOKEN_PURGE_INTERVAL_MS = 60 * 60_000;

export interface RunningApp {
  services: Services;
  server: FastifyInstance;
  bootstrap: BootstrapResult;
  /** `http://host:port` the server listens on. */
  url: string;
  close(): Promise<void>;
}

/** The password a PostgreSQL URL or the environment gives the client, if any. */
function passwordOf(databaseUrl: string): string {
  try {
    return decodeURIComponent(new URL(databaseUrl).password) || process.env.PGPASSWORD || '';
  } catch {
    return process.env.PGPASSWORD ?? '';
  }
}

export interface StartOptions {
  clock?: Clock;
  /** The clock of the rate-limit windows (real time by default, whatever `clock` is). */
  limitsClock?: Clock;
  driver?: RuntimeDriver;
  logger?: PinoLogger;
}

export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? pino({ level: config.logLevel, ...LOG_OPTIONS });
  const services = await createServices(config, logger, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.driver ? { driver: options.driver } : {}),
  });
  try {
    if (config.runtime.driver === 'local') {
      // Said once at start-up, so an operator learns it before the first instance fails on it.
      const jupyter = await LocalDriver.diagnose({ command: config.runtime.local.jupyter });
      if (jupyter.ok) logger.info(jupyter.message);
      else logger.warn(jupyter.message);
      if (services.driver instanceof LocalDriver) {
        await services.driver.lockDataDir();
        for (const warning of await services.driver.isolationWarnings()) logger.warn(warning);
        logger.info(await services.driver.describeGpus());
        // In the background: the first notebook start then finds Jupyter imported.
        void services.driver.prepareForkServers(services.catalog.data.profiles);
      }
      if (isPostgresUrl(config.databaseUrl) && !passwordOf(config.databaseUrl)) {
        // Notebooks share this host's network: a database that lets this service in without a
        // password lets every kernel in too, and with it every instance and every account.
        logger.warn(
          'the PostgreSQL database was reached without a password: if it trusts local connections, every notebook on this host can connect to it as well. Give the database user a password (scram-sha-256 in pg_hba.conf) and put it in databaseUrl or PGPASSWORD.',
        );
      }
    }
    const bootstrap = await services.identity.bootstrap(config.bootstrap);
    const server = await buildServer(services, {
      loggerInstance: logger,
      ...(options.limitsClock ? { limitsClock: options.limitsClock } : {}),
    });
    const address = await server.listen({ host: config.host, port: config.port });
    await services.start();
    const purge = () =>
      services.identity
        .purgeExpiredTokens()
        .catch((err: unknown) => logger.error({ err }, 'expired token purge failed'));
    await purge();
    const purgeTimer = setInterval(purge, TOKEN_PURGE_INTERVAL_MS).unref();
    return {
      services,
      server,
      bootstrap,
      url: address.replace('[::1]', 'localhost'),
      async close() {
        clearInterval(purgeTimer);
        await server.close();
        await services.close();
      },
    };
  } catch (err) {
    await services.close();
    throw err;
  }
}
