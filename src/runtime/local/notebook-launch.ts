/**
 * @module runtime/local/notebook-launch
 * Starts the notebook server, forked by the fork server where one can (see fork-server) and
 * spawned otherwise, and waits until it answers. The server leads a process group of its own,
 * writes to the log through an fd it holds itself, and is not waited for: it survives a restart of
 * the service, which re-adopts it from the run record. A start that fails
 * or is aborted kills what it spawned before it returns. A port another process grabbed between
 * the driver's probe and Jupyter's bind is retried with a fresh port, up to three times.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { WorkloadError } from '../../core/ports/runtime.js';
import type { ForkServers } from './fork-server/fork-server.js';
import type { InstanceLayout } from './instance-layout.js';
import { spawnContained, type Containment } from './isolation/contained-spawn.js';
import { jupyterArgs } from './jupyter-command.js';
import type { JupyterInstall } from './jupyter-detection.js';
import { waitReady } from './jupyter-status.js';
import type { ResolvedOptions } from './local-driver-options.js';
import { note, openForChild, tail } from './log-file.js';
import { terminate } from './process-control.js';
import { markerEnv } from './process-marker.js';
import { removeRunFile, writeRunFile, type RunRecord } from './run-record.js';

/** The first try and three retries. */
const ATTEMPTS = 4;

export interface LaunchRequest {
  install: JupyterInstall;
  instanceId: string;
  layout: InstanceLayout;
  storage: string;
  logFile: string;
  /** The workload environment, without token or run marker. */
  env: Record<string, string>;
  signal: AbortSignal;
  /** Told how a spawned server ended, so `poll` can report its exit code. */
  onExit: (pid: number, code: number | null) => void;
  /** The account and control group the server runs in. */
  containment: Containment;
  /** Where the run record goes; default the instance's run file (a warm server keeps its own). */
  runFile?: string;
  /** A server extension to load (see jupyter-command), found in `directory`, put first on the server's import path. */
  extension?: { module: string; directory: string };
  /** Forks the server from a Python that has imported Jupyter; absent, or when it cannot: spawned. */
  forkServers?: ForkServers;
}

/** A launch with its run: a fresh run id, and the token derived from it (see run-record). */
type Run = LaunchRequest & { runId: string; token: string; startedAt: number };

export async function launchNotebook(launch: LaunchRequest, options: ResolvedOptions): Promise<RunRecord> {
  const runId = randomBytes(8).toString('hex');
  const request: Run = {
    ...launch,
    runId,
    token: options.secretFor(launch.instanceId, runId),
    startedAt: options.clock.now(),
  };
  const runFile = request.runFile ?? request.layout.runFile;
  for (let attempt = 1; ; attempt++) {
    request.signal.throwIfAborted();
    const port = await options.pickPort();
    await note(
      request.logFile,
      options.clock,
      `starting jupyter ${request.install.subcommand} ${request.install.version} on port ${port} (attempt ${attempt})`,
    );
    const { pid, exited } = await startServer(request, port, options);
    const record: RunRecord = {
      pid,
      port,
      runId: request.runId,
      startedAt: request.startedAt,
      logFile: request.logFile,
    };
    const marker = { instanceDir: request.layout.dir, runId: request.runId };
    const kill = async () => {
      await terminate({ groups: [record.pid], marker, graceMs: options.stopTimeoutMs, log: options.log });
      await removeRunFile(runFile);
      // A forked server that died before it read its environment left the file behind.
      await rm(envFileOf(request, port), { force: true });
    };
    let outcome: 'ready' | 'exited' | 'timeout';
    try {
      await writeRunFile(runFile, record);
      outcome = await waitReady(
        { port, instanceId: request.instanceId, token: request.token },
        {
          timeoutMs: options.readyTimeoutMs,
          requestTimeoutMs: options.pollRequestTimeoutMs,
          signal: request.signal,
          exited: exited.signal,
        },
      );
    } catch (err) {
      await kill();
      throw err;
    }
    if (outcome === 'ready') return record;
    await kill();
    const lines = await tail(request.logFile, 15, [request.token]);
    if (outcome === 'timeout') {
      throw new WorkloadError(
        `The notebook server did not answer within ${Math.round(options.readyTimeoutMs / 1000)} s. Last log lines:\n${lines.join('\n')}`,
        'ModelArts.6361',
        { phase: 'start', log_tail: lines.join('\n') },
      );
    }
    if (attempt < ATTEMPTS && portTaken(lines, port)) {
      options.log.warn(
        { instance: request.instanceId, port, attempt },
        'notebook port was taken before the server bound it; retrying',
      );
      continue;
    }
    throw new WorkloadError(
      `The notebook server exited during start-up. Last log lines:\n${lines.join('\n')}`,
      'ModelArts.6361',
      {
        phase: 'start',
        log_tail: lines.join('\n'),
      },
    );
  }
}

/** Notebook 6: "The port N is already in use." / jupyter_server: "… port N is not available". */
function portTaken(lines: readonly string[], port: number): boolean {
  return lines.some((line) => line.includes(String(port)) && /already in use|not available|address in use/i.test(line));
}

/** `env` with `directories` first on PYTHONPATH: how a spawned server imports from them. */
function withImportPath(env: Record<string, string>, directories: readonly string[]): Record<string, string> {
  if (directories.length === 0) return env;
  return { ...env, PYTHONPATH: [...directories, env.PYTHONPATH].filter(Boolean).join(delimiter) };
}

/** Where a forked server finds its environment (see fork-server): in the instance's own directory. */
function envFileOf(request: Run, port: number): string {
  return join(request.layout.dir, `fork-env-${request.runId}-${port}.json`);
}

/** Forks the server where a fork server can, spawns it otherwise; `exited` aborts when it ends. */
async function startServer(
  request: Run,
  port: number,
  { publicOrigin, log }: Pick<ResolvedOptions, 'publicOrigin' | 'log'>,
): Promise<{ pid: number; exited: AbortController }> {
  const identity = request.containment.identity;
  const settings = {
    port,
    instanceId: request.instanceId,
    notebookDir: request.storage,
    asRoot: (identity?.uid ?? process.getuid?.()) === 0,
    ...(publicOrigin ? { publicOrigin } : {}),
    ...(request.extension ? { extension: request.extension.module } : {}),
  };
  const args = jupyterArgs(request.install, settings);
  const marker = markerEnv({ instanceDir: request.layout.dir, runId: request.runId });
  const env = { ...request.env, ...marker, JUPYTER_TOKEN: request.token };
  const importPath = request.extension ? [request.extension.directory] : [];
  const exited = new AbortController();
  const ended = (pid: number, code: number | null) => {
    exited.abort(new Error('the notebook server exited'));
    request.onExit(pid, code);
  };
  let child: ChildProcess;
  try {
    // A fork server that failed the fork (it died meanwhile) leaves this start to a spawn.
    const forked = await request.forkServers
      ?.fork({
        install: request.install,
        args,
        env,
        envFile: envFileOf(request, port),
        importPath,
        cwd: request.storage,
        logFile: request.logFile,
        containment: request.containment,
      })
      .catch((err: unknown) => {
        log.warn({ err, instance: request.instanceId }, 'the fork server did not fork; spawning the notebook');
        return null;
      });
    if (forked) {
      void forked.exited.then((status) => ended(forked.pid, status.code));
      return { pid: forked.pid, exited };
    }
    const output = await openForChild(request.logFile);
    try {
      child = await spawnContained(request.install.executable, args, {
        cwd: request.storage,
        env: withImportPath(env, importPath),
        output: output.fd,
        containment: request.containment,
      });
    } finally {
      await output.close();
    }
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new WorkloadError(`The notebook server could not be spawned (${why}).`, 'ModelArts.6361', { phase: 'start' });
  }
  child.once('exit', (code) => {
    if (child.pid) ended(child.pid, code);
  });
  child.unref();
  return { pid: child.pid!, exited };
}
