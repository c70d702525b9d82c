/**
 * @module test/cli/cli-harness
 * Runs the real `bin/demanager.js` as a child process with its own config directory and a clean
 * environment, and answers exit code, stdout and stderr. Asynchronous on purpose: the server under
 * test runs in this process and must keep answering while the child waits for it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/demanager.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  configDir: string;
  /** Written to stdin, which is then closed; stdin is closed at once without it. */
  input?: string;
  env?: Record<string, string | undefined>;
}

/** The parent's environment without anything that would leak into the CLI under test. */
function cleanEnv(extra: Record<string, string | undefined>, configDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('DEMANAGER_') || key.startsWith('NODE_TEST') || key === 'XDG_CONFIG_HOME') continue;
    env[key] = value;
  }
  env.DEMANAGER_CONFIG_DIR = configDir;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** A CLI still running: what it printed so far, and its end. */
export interface RunningCli {
  child: ChildProcess;
  output(): CliResult;
  /** Resolves once it has exited (SIGKILLed after 30 s). */
  exited: Promise<CliResult>;
}

/** Starts the CLI and answers at once, for commands that keep running (`logs --follow`). */
export function spawnCli(args: string[], options: CliOptions): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(options.env ?? {}, options.configDir),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result: CliResult = { code: null, stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (result.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (result.stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ...result, code });
    });
  });
  child.stdin!.end(options.input ?? '');
  return { child, output: () => ({ ...result }), exited };
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return spawnCli(args, options).exited;
}

export function tempDir(prefix = 'demanager-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A loopback port nothing listens on. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Parses stdout as JSON, with the whole result in the message when it is not. */
export function jsonOf<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** A failure message that shows what the CLI said. */
export function explain(result: CliResult): string {
  return `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}
