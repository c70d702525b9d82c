/**
 * @module cli/serve-command
 * `demanager serve`: runs the service until SIGINT/SIGTERM, then shuts down gracefully: it stops
 * accepting connections, finishes the requests in flight, hands its leases back and closes the store.
 */
import { Command } from '@commander-js/extra-typings';
import closeWithGrace from 'close-with-grace';
import { serverConfig, withServerFlags } from './server-config.js';

export function serveCommand() {
  return withServerFlags(new Command('serve'))
    .description(
      'run the API server (SQLite under ./data and notebooks run by Jupyter on this machine, unless configured)',
    )
    .option('--host <host>', 'listen address (default 127.0.0.1)')
    .option('-p, --port <port>', 'listen port (default 8080)')
    .action(async (opts) => {
      const config = serverConfig(opts, {
        ...(opts.host ? { host: opts.host } : {}),
        ...(opts.port ? { port: Number(opts.port) } : {}),
      });
      // Loaded here so the client commands do not pay for the server stack at start-up.
      const { startApp } = await import('../server/app.js');
      const app = await startApp(config);
      const { bootstrap } = app;
      if (bootstrap.created) {
        const password = bootstrap.generatedPassword ?? '(from DEMANAGER_ADMIN_PASSWORD)';
        // Printed once, outside the log, so the password never lands in log files.
        process.stdout.write(
          `\nFirst start: created user "${bootstrap.user}" in project "${bootstrap.project.name}" (${bootstrap.project.id}).\n` +
            `  password: ${password}\n  log in:   npx demanager login --url ${app.url} --user ${bootstrap.user}\n\n`,
        );
      }
      closeWithGrace({ delay: 10_000 }, async ({ err }) => {
        if (err) app.server.log.error({ err }, 'shutting down after an error');
        await app.close();
      });
    });
}
