/**
 * @module runtime/local/child-env
 * The environment of everything the driver starts. Built from an allowlist of the service's
 * variables, not a copy: the service's environment may hold database passwords and keys, and
 * notebook users can read their kernel's environment. HOME and every Jupyter/IPython state
 * directory point into the instance's private directory so instances never share state.
 */
import { delimiter, dirname } from 'node:path';
import type { InstanceLayout } from './instance-layout.js';

const INHERITED =
  /^(LANG|LANGUAGE|LC_[A-Z]+|TZ|TERM|SHELL|USER|LOGNAME|TMPDIR|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|CUDA_VISIBLE_DEVICES|LD_LIBRARY_PATH)$/;

/** The PATH lookups (of `jupyter` itself) use: the configured one, else the service's. */
export function basePath(extra: Record<string, string>): string {
  return extra.PATH ?? process.env.PATH ?? '/usr/bin:/bin';
}

/**
 * The workload's PATH: the directory of the `jupyter` in use first, then /usr/bin, then the rest.
 * Kernels run `python3` from PATH; it must be the interpreter that has ipykernel — on Debian the
 * system one, not a pyenv build that shadows it.
 */
export function workloadPath(path: string, jupyterExecutable: string | null): string {
  const first = jupyterExecutable ? [dirname(jupyterExecutable), '/usr/bin'] : ['/usr/bin'];
  return [...new Set([...first, ...path.split(delimiter).filter(Boolean)])].join(delimiter);
}

export interface ChildEnvOptions {
  layout: InstanceLayout;
  path: string;
  /** Operator additions (`env` option); they win over everything but the isolation variables. */
  extra: Record<string, string>;
  marker: Record<string, string>;
  /** The notebook's OS account, when it has one: who the notebook says it is, and a shell it can run. */
  account?: string;
  /** Which GPUs it sees (see gpus/gpu-share); nothing the operator's `env` can widen. */
  gpus?: Record<string, string>;
}

export function childEnv({ layout, path, extra, marker, account, gpus }: ChildEnvOptions): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => INHERITED.test(e[0]) && e[1] !== undefined),
  );
  return {
    LANG: 'C.UTF-8',
    // Otherwise every kernel start logs a four-line debugger warning, which crowds log tails.
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    ...inherited,
    ...extra,
    // The account's login shell is nologin; Jupyter's terminals start $SHELL.
    ...(account ? { USER: account, LOGNAME: account, SHELL: '/bin/bash' } : {}),
    PATH: path,
    HOME: layout.home,
    JUPYTER_CONFIG_DIR: layout.jupyterConfig,
    JUPYTER_DATA_DIR: layout.jupyterData,
    JUPYTER_RUNTIME_DIR: layout.jupyterRuntime,
    IPYTHONDIR: layout.ipython,
    PYTHONUNBUFFERED: '1',
    ...gpus,
    ...marker,
  };
}
