/**
 * @module runtime/local/run-to-exit
 * Runs a short-lived helper (git, the custom script, a `mkdir` as the notebook's account) in a
 * process group of its own, contained like the notebook it prepares, so a timeout or an abort
 * kills it with everything it started.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnContained, type Containment } from './isolation/contained-spawn.js';
import { signalGroup } from './process-control.js';

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  /** An fd to write stdout and stderr to, or 'capture' to collect them (the last 256 KiB). */
  output: number | 'capture';
  timeoutMs: number;
  signal: AbortSignal;
  /** Whose account and which control group it runs in; default: the service's, none. */
  containment?: Containment;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

const CAPTURE_LIMIT = 256 * 1024;

export async function runToExit(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  options.signal.throwIfAborted();
  const child = await spawnContained(file, args, {
    cwd: options.cwd,
    env: options.env,
    output: options.output === 'capture' ? 'pipe' : options.output,
    containment: options.containment ?? {},
  });
  return collect(child, options);
}

function collect(child: ChildProcess, options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let output = '';
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-CAPTURE_LIMIT);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    let timedOut = false;
    const kill = () => {
      if (child.pid) signalGroup(child.pid, 'SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    options.signal.addEventListener('abort', kill, { once: true });
    child.once('error', (err) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', kill);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', kill);
      if (options.signal.aborted) reject(options.signal.reason);
      else resolve({ code, signal, timedOut, output });
    });
  });
}
