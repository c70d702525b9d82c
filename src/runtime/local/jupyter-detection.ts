/**
 * @module runtime/local/jupyter-detection
 * Finds which Jupyter front end is installed: `jupyter lab`, then `jupyter server`, then
 * `jupyter notebook` (Debian's jupyter-notebook package has only the last). A find is cached
 * per executable and PATH for the life of the process, since it costs up to three Python
 * start-ups; a miss for 30 s.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

export type JupyterSubcommand = 'lab' | 'server' | 'notebook';

export interface JupyterInstall {
  /** Absolute path of the `jupyter` launcher. */
  executable: string;
  subcommand: JupyterSubcommand;
  version: string;
  /** The traitlets class its options go to: notebook < 7 has its own server, the rest run on jupyter_server. */
  app: 'NotebookApp' | 'ServerApp';
}

const ORDER: readonly JupyterSubcommand[] = ['lab', 'server', 'notebook'];

export const INSTALL_HINT =
  'Jupyter was not found on PATH (looked for `jupyter lab`, `jupyter server` and `jupyter notebook`). ' +
  'Install it on the host, e.g. `apt-get install jupyter-notebook` or `pip install jupyterlab`.';

const cache = new Map<string, Promise<JupyterInstall | null>>();
/** A miss is forgotten after this long, so installing Jupyter needs no service restart. */
const MISS_TTL_MS = 30_000;

/** Detects once per (command, PATH); `command` is a name looked up on PATH or a path. */
export function detectJupyter(command: string, path: string): Promise<JupyterInstall | null> {
  const key = `${command}\0${path}`;
  let found = cache.get(key);
  if (!found) {
    found = detect(command, path);
    cache.set(key, found);
    void found.then((install) => {
      if (!install) setTimeout(() => cache.delete(key), MISS_TTL_MS).unref();
    });
  }
  return found;
}

async function detect(command: string, path: string): Promise<JupyterInstall | null> {
  const executable = await which(command, path);
  if (!executable) return null;
  for (const subcommand of ORDER) {
    const version = await versionOf(executable, subcommand, path);
    if (version === null) continue;
    const major = Number(version.split('.')[0]);
    const app = subcommand === 'notebook' && major < 7 ? 'NotebookApp' : 'ServerApp';
    return { executable, subcommand, version, app };
  }
  return null;
}

export async function which(command: string, path: string): Promise<string | null> {
  const candidates = command.includes('/')
    ? [command]
    : path
        .split(delimiter)
        .filter((dir) => isAbsolute(dir))
        .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return null;
}

function versionOf(executable: string, subcommand: JupyterSubcommand, path: string): Promise<string | null> {
  return new Promise((resolve) => {
    // `jupyter <sub>` finds `jupyter-<sub>` through PATH, so it gets the PATH the workload will see.
    const env = { PATH: path, HOME: process.env.HOME ?? '/', LANG: process.env.LANG ?? 'C.UTF-8' };
    execFile(executable, [subcommand, '--version'], { env, timeout: 30_000 }, (err, stdout) => {
      const version = String(stdout).trim().split('\n').pop()?.trim() ?? '';
      resolve(err || !/^\d+\.\d+/.test(version) ? null : version);
    });
  });
}
