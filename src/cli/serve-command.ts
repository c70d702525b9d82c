/**
 * @module cli/serve-command
 * `demanager serve`: runs the service until SIGINT/SIGTERM, then shuts down gracefully.
 */
import { Command } from '@commander-js/extra-typings';
import closeWithGrace from 'close-with-grace';
import { loadConfigOptions, resolveConfig } from '../config.js';

export function serveCommand(): Command<[], { config?: string; host?: string; port?: string; dataDir?: string }> {
  return new Command('serve')
    .description('run the API server (SQLite under ./data and the simulated runtime unless configured)')
    .option('-c, --config <file>', 'JSON config file (default: $DEMANAGER_CONFIG)')
    .option('--host <host>', 'listen address (default 127.0.0.1)')
    .option('-p, --port <port>', 'listen port (default 8080)')
    .option('--data-dir <dir>', 'data directory (default ./data)')
    .action(async (opts) => {
      const options = loadConfigOptions(process.env, opts.config ?? process.env.DEMANAGER_CONFIG);
      if (opts.host) options.host = opts.host;
      if (opts.port) options.port = Number(opts.port);
      if (opts.dataDir) options.dataDir = opts.dataDir;
      const config = resolveConfig(options);
      // Loaded here so the client commands do not pay for the server stack at start-up.
      const { startApp } = await import('../app.js');
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
