/**
 * @module bench/support/wrk-load
 * wrk (C, epoll, 2 threads) as the load generator, where it is installed: it reads answers far
 * faster than autocannon, so the server rather than the client sets the pace, as under the load
 * issue 21 measured. Its `--latency` report is read back into a {@link LoadResult}.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LoadResult, LoadSpec } from './load-spec.js';

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function ms(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`wrk: unreadable duration ${text}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

function field(output: string, pattern: RegExp): string {
  const match = pattern.exec(output);
  if (!match) throw new Error(`wrk: no ${pattern} in its report:\n${output}`);
  return match[1]!;
}

/** Whether wrk is on the PATH. */
export async function wrkInstalled(): Promise<boolean> {
  return promisify(execFile)('wrk', ['--version']).then(
    () => true,
    // wrk --version prints its banner and exits 1; only a missing binary is ENOENT.
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}

export async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  if (spec.accessKey) throw new Error('wrk: signed requests are autocannon-only');
  const headers = Object.entries(spec.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  // A slow answer is a latency to measure, not a failure: wrk's own timeout (2 s) would drop it.
  const timeout = `${Math.max(10, spec.durationSeconds)}s`;
  const args = [
    '-t2',
    `-c${spec.connections}`,
    `-d${spec.durationSeconds}s`,
    '--timeout',
    timeout,
    '--latency',
    ...headers,
    spec.url,
  ];
  const { stdout } = await promisify(execFile)('wrk', args, { encoding: 'utf8' });
  const percentile = (p: number) => ms(field(stdout, new RegExp(`^\\s+${p}%\\s+(\\S+)\\s*$`, 'm')));
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  return {
    requestsPerSecond: Number(field(stdout, /Requests\/sec:\s+([\d.]+)/)),
    p50Ms: percentile(50),
    p90Ms: percentile(90),
    p99Ms: percentile(99),
    maxMs: ms(field(stdout, /^\s+Latency\s+\S+\s+\S+\s+(\S+)/m)),
    requests: Number(field(stdout, /(\d+) requests in/)),
    failures: non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
  };
}
