/**
 * @module runtime/local/jupyter-command
 * The command line of a notebook server. What it sets, and why:
 * - `ip=127.0.0.1`, a driver-chosen port and `port_retries=0`: only the local proxy reaches it,
 *   and a taken port must fail loudly rather than silently become another one.
 * - `base_url=/notebook/<id>/`: the proxy forwards paths unchanged, so links and cookies match.
 * - `allow_remote_access=True`: a proxy that keeps the browser's `Host` header (as it should, see
 *   below) would otherwise get 403 from Jupyter's DNS-rebinding guard, which only accepts
 *   loopback host names. The guard protects token-less servers; this one binds to loopback and
 *   requires its private token on every request.
 * - WebSocket `Origin` check: Jupyter accepts an upgrade when Origin's host equals `Host`, or when
 *   the request is token-authenticated (then origin and XSRF checks are skipped). A proxy that
 *   keeps `Host` and adds `Authorization: token …` passes both ways, so nothing is loosened by
 *   default. Only for a proxy that rewrites `Host` does `publicOrigin` set `allow_origin` to that
 *   one exact origin — never `*`.
 * - The token is passed as JUPYTER_TOKEN in the environment (read by notebook 6 and
 *   jupyter_server alike), not as `--…App.token=`: command lines are world-readable in `ps`;
 *   environments are not. Jupyter then logs the URL as `?token=...`.
 */
import type { JupyterInstall } from './jupyter-detection.js';

export interface LaunchSettings {
  port: number;
  instanceId: string;
  notebookDir: string;
  /** Whether the server runs as root, which Jupyter refuses without `--allow-root`. */
  asRoot: boolean;
  /** Exact origin (`https://host[:port]`) to allow when the proxy rewrites `Host`. */
  publicOrigin?: string;
  /** A server extension module to load (a warm server's hand-over, see warm/). */
  extension?: string;
}

export function basePathOf(instanceId: string): string {
  return `/notebook/${instanceId}/`;
}

export function jupyterArgs(install: JupyterInstall, settings: LaunchSettings): string[] {
  const app = install.app;
  const rootDir = app === 'NotebookApp' ? 'notebook_dir' : 'root_dir';
  const args = [
    install.subcommand,
    '--no-browser',
    `--${app}.ip=127.0.0.1`,
    `--${app}.port=${settings.port}`,
    `--${app}.port_retries=0`,
    `--${app}.base_url=${basePathOf(settings.instanceId)}`,
    `--${app}.${rootDir}=${settings.notebookDir}`,
    `--${app}.allow_remote_access=True`,
  ];
  if (settings.asRoot) args.push('--allow-root');
  if (settings.publicOrigin) args.push(`--${app}.allow_origin=${settings.publicOrigin}`);
  // notebook < 7 loads `nbserver_extensions`; jupyter_server (lab, server, notebook 7) `jpserver_extensions`.
  if (settings.extension)
    args.push(
      `--${app}.${app === 'NotebookApp' ? 'nbserver_extensions' : 'jpserver_extensions'}={"${settings.extension}":True}`,
    );
  return args;
}
