/**
 * @module cli/server-config
 * The options the server-side commands (`serve`, `migrate`) share: a config file and a data
 * directory on the command line, over the file and the environment.
 */
import type { Command, OptionValues } from '@commander-js/extra-typings';
import { loadConfigOptions, resolveConfig, type Config, type ConfigOptions } from '../server/config.js';

export interface ServerFlags {
  config?: string;
  dataDir?: string;
}

export function withServerFlags<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  return command
    .option('-c, --config <file>', 'JSON config file (default: $DEMANAGER_CONFIG)')
    .option('--data-dir <dir>', 'data directory (default ./data)');
}

/** Flags over the config file over the environment's `DEMANAGER_*` variables over defaults. */
export function serverConfig(flags: ServerFlags, extra: Partial<ConfigOptions> = {}): Config {
  const options = loadConfigOptions(process.env, flags.config ?? process.env.DEMANAGER_CONFIG);
  if (flags.dataDir) options.dataDir = flags.dataDir;
  return resolveConfig({ ...options, ...extra });
}
