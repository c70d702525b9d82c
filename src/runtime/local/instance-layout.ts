/**
 * @module runtime/local/instance-layout
 * Where an instance's private files live: `<dataDir>/instances/<id>/` holds the evs storage
 * (`work/`), the default log directory (`logs/`), a private HOME with every Jupyter and IPython
 * state directory inside it (so instances never share runtime files, kernels or config), the
 * run file and the git askpass helper. Everything here goes when the instance is removed. When
 * notebooks run as their own accounts, `work/` and `home/` are the account's, `logs/` holds files
 * the account owns in a directory it cannot change, and the rest stays the service's.
 */
import { join } from 'node:path';

export interface InstanceLayout {
  dir: string;
  work: string;
  logs: string;
  home: string;
  jupyterConfig: string;
  jupyterData: string;
  jupyterRuntime: string;
  ipython: string;
  /** The current run, written at spawn so a stop finds a process whose start was never recorded. */
  runFile: string;
  askpass: string;
  /** How many out-of-memory kills of the current run its owner has been told of. */
  oomFile: string;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws for an id that is not a single safe path component (ids are `DE-<uuid>`). */
export function instanceLayout(dataDir: string, instanceId: string): InstanceLayout {
  if (!SAFE_ID.test(instanceId))
    throw new Error(`instance id ${JSON.stringify(instanceId)} is not a safe directory name`);
  const dir = join(dataDir, 'instances', instanceId);
  const home = join(dir, 'home');
  return {
    dir,
    work: join(dir, 'work'),
    logs: join(dir, 'logs'),
    home,
    jupyterConfig: join(home, '.jupyter'),
    jupyterData: join(home, '.local', 'share', 'jupyter'),
    jupyterRuntime: join(home, '.local', 'share', 'jupyter', 'runtime'),
    ipython: join(home, '.ipython'),
    runFile: join(dir, 'run.json'),
    askpass: join(dir, 'git-askpass.sh'),
    oomFile: join(dir, 'oom-kills'),
  };
}
