/**
 * @module runtime/local/profile-environment
 * What a notebook runs, from its profile: the host's own Jupyter (the service's PATH) for a
 * profile without a local environment, or the profile's virtualenv / conda prefix — its `bin/`
 * first on PATH, its Jupyter as the server, its Python for the `python3` kernel — plus the
 * profile's variables. A profile whose environment is not on this host fails the start with a
 * reason that names the profile and what is missing.
 */
import { access, constants, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Profile } from '../../core/model/catalog.js';
import { WorkloadError } from '../../core/ports/runtime.js';

export interface ResolvedEnvironment {
  /** The Jupyter launcher to detect. */
  command: string;
  /** The PATH to look it up on (the workload's PATH is built from it). */
  path: string;
  /** Variables for every process of the notebook (the profile's, and VIRTUAL_ENV or CONDA_PREFIX). */
  env: Record<string, string>;
  /** The interpreter of the `python3` kernel, when the profile has a prefix. */
  python?: string;
}

export async function profileEnvironment(
  profile: Profile,
  defaults: { command: string; path: string },
): Promise<ResolvedEnvironment> {
  const local = profile.local;
  if (!local) return { command: defaults.command, path: defaults.path, env: {} };
  const env: Record<string, string> = { ...local.env };
  if (!local.prefix) return { command: local.jupyter ?? defaults.command, path: defaults.path, env };
  const bin = join(local.prefix, 'bin');
  if (!(await isDirectory(bin)))
    throw missing(profile, `its environment ${local.prefix} does not exist on this host (no ${bin})`);
  const python = join(bin, 'python3');
  if (!(await executable(python))) throw missing(profile, `its environment ${local.prefix} has no python3`);
  if (await exists(join(local.prefix, 'pyvenv.cfg'))) env.VIRTUAL_ENV = local.prefix;
  else if (await isDirectory(join(local.prefix, 'conda-meta'))) env.CONDA_PREFIX = local.prefix;
  return {
    command: local.jupyter ?? join(bin, 'jupyter'),
    path: [bin, ...defaults.path.split(delimiter)].join(delimiter),
    env,
    python,
  };
}

/** Why a profile's Jupyter was not found, naming the profile (the host-wide hint serves the rest). */
export function noJupyterIn(profile: Profile, command: string): WorkloadError {
  return missing(
    profile,
    `no Jupyter was found at ${command} (looked for \`jupyter lab\`, \`jupyter server\` and \`jupyter notebook\`)`,
  );
}

/** The profile's Python cannot run a kernel (no ipykernel, or it does not run as the notebook's account). */
export function missingKernel(profile: Profile, python: string, output: string): WorkloadError {
  const said = output.trim().split('\n').pop() ?? '';
  return missing(
    profile,
    `its ${python} cannot run a kernel${said ? ` (${said})` : ''}; install ipykernel in that environment`,
  );
}

/** The `python3` kernel of the profile's environment, as Jupyter reads it from a kernel.json. */
export function kernelSpec(python: string, profile: Profile): string {
  return `${JSON.stringify({ argv: [python, '-m', 'ipykernel_launcher', '-f', '{connection_file}'], display_name: `Python 3 (${profile.name})`, language: 'python' }, null, 1)}\n`;
}

function missing(profile: Profile, what: string): WorkloadError {
  return new WorkloadError(`The profile ${profile.name} cannot start here: ${what}.`, 'ModelArts.6361', {
    phase: 'environment',
    profile: profile.id,
  });
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}
