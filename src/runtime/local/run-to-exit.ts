/**
 * @module runtime/local/run-to-exit
 * Runs a short-lived helper (git, the custom script) in a process group of its own, so a timeout
 * or an abort kills it with everything it started.
 */
import { spawn } from 'node:child_process';
import { signalGroup } from './process-control.js';

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  /** An fd to write stdout and stderr to, or 'capture' to collect them (the last 256 KiB). */
  output: number | 'capture';
  timeoutMs: number;
  signal: AbortSignal;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

const CAPTURE_LIMIT = 256 * 1024;

export function runToExit(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  options.signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const out = options.output === 'capture' ? 'pipe' : options.output;
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', out, out] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-CAPTURE_LIMIT);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
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
