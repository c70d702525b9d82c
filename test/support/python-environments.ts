/**
 * @module test/support/python-environments
 * Python environments for the local runtime's tests, made here from Debian's Python: a virtualenv
 * (with the system's packages it has Jupyter Notebook 6 and ipykernel), and one that also runs
 * jupyter_server, the server generation of JupyterLab and Notebook 7. Debian packages
 * jupyter_server as python3-jupyter-server, which CI (.ci/run) unpacks rather than installs:
 * installed, `jupyter server` would become every other test's server too.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A virtualenv of Debian's Python at `dir`, with a `jupyter` launcher as pip writes one. */
export function virtualenv(dir: string, systemPackages: boolean): string {
  execFileSync('/usr/bin/python3', [
    '-m',
    'venv',
    '--without-pip',
    ...(systemPackages ? ['--system-site-packages'] : []),
    dir,
  ]);
  consoleScript(dir, 'jupyter', 'jupyter_core.command');
  return dir;
}

/** What pip writes for a console script: `bin/<name>` running `<module>.main` on the environment's Python. */
function consoleScript(env: string, name: string, module: string): void {
  const script = join(env, 'bin', name);
  writeFileSync(script, `#!${env}/bin/python3\nimport sys\nfrom ${module} import main\nsys.exit(main())\n`);
  chmodSync(script, 0o755);
}

/** Where .ci/run unpacks python3-jupyter-server: its dist-packages, or null when it is not there. */
export function unpackedJupyterServer(): string | null {
  const root =
    process.env.DEMANAGER_TEST_JUPYTER_SERVER ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'demanager-ci', 'python3-jupyter-server');
  const packages = join(root, 'usr', 'lib', 'python3', 'dist-packages');
  return existsSync(join(packages, 'jupyter_server')) ? packages : null;
}

/**
 * A virtualenv at `dir` that runs `jupyter server`: the unpacked jupyter_server copied into its
 * site-packages (where notebook accounts can read it) with its metadata, and its console script.
 */
export function jupyterServerEnvironment(dir: string, unpacked: string): string {
  virtualenv(dir, true);
  const lib = join(dir, 'lib');
  const site = join(lib, readdirSync(lib).find((name) => name.startsWith('python'))!, 'site-packages');
  for (const entry of readdirSync(unpacked)) cpSync(join(unpacked, entry), join(site, entry), { recursive: true });
  consoleScript(dir, 'jupyter-server', 'jupyter_server.serverapp');
  return dir;
}
