/**
 * @module runtime/local/notebook-launch
 * Spawns the notebook server and waits until it answers. The server leads a process group of its
 * own (`detached`), writes to the log through an fd it holds itself, and is `unref`'d: it
 * survives a restart of the service, which re-adopts it from the run record. A start that fails
 * or is aborted kills what it spawned before it returns. A port another process grabbed between
 * the driver's probe and Jupyter's bind is retried with a fresh port, up to three times.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { WorkloadError } from '../../core/ports/runtime.js';
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
  /** A server extension to load (see jupyter-command). */
  extension?: string;
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
    const { child, exited } = await spawnServer(request, port, options.publicOrigin);
    const record: RunRecord = {
      pid: child.pid!,
      port,
      runId: request.runId,
      startedAt: request.startedAt,
      logFile: request.logFile,
    };
    const marker = { instanceDir: request.layout.dir, runId: request.runId };
    const kill = async () => {
      await terminate({ groups: [record.pid], marker, graceMs: options.stopTimeoutMs, log: options.log });
      await removeRunFile(runFile);
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

async function spawnServer(
  request: Run,
  port: number,
  publicOrigin: string | undefined,
): Promise<{ child: ChildProcess; exited: AbortController }> {
  const log = await openForChild(request.logFile);
  const exited = new AbortController();
  const identity = request.containment.identity;
  const settings = {
    port,
    instanceId: request.instanceId,
    notebookDir: request.storage,
    asRoot: (identity?.uid ?? process.getuid?.()) === 0,
    ...(publicOrigin ? { publicOrigin } : {}),
    ...(request.extension ? { extension: request.extension } : {}),
  };
  let child: ChildProcess;
  try {
    child = await spawnContained(request.install.executable, jupyterArgs(request.install, settings), {
      cwd: request.storage,
      env: {
        ...request.env,
        ...markerEnv({ instanceDir: request.layout.dir, runId: request.runId }),
        JUPYTER_TOKEN: request.token,
      },
      output: log.fd,
      containment: request.containment,
    });
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new WorkloadError(`The notebook server could not be spawned (${why}).`, 'ModelArts.6361', { phase: 'start' });
  } finally {
    await log.close();
  }
  child.once('exit', (code) => {
    exited.abort(new Error('the notebook server exited'));
    if (child.pid) request.onExit(child.pid, code);
  });
  child.unref();
  return { child, exited };
}
