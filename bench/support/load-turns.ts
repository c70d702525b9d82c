/**
 * @module bench/support/load-turns
 * Running the load generator (bench/support/load) in a process of its own, so that it never shares
 * an event loop with the server it measures, and taking loads in turns so that the shared
 * machine's drift touches each of them alike.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { cpuMsOf } from './measure.js';

const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

/** Runs `script` with `spec` as JSON in argv and reads its JSON answer from stdout. */
export function runJson<T>(script: string, spec: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`${script} exited ${code}`)),
    );
  });
}

/** A load run; one with any failed request measured something else and is refused. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const result = await runJson<LoadResult>(LOAD, spec);
  if (result.failures > 0) throw new Error(`${result.failures} of ${result.requests} requests to ${spec.url} failed`);
  return result;
}

/** A load run, and the CPU time the server process `pid` spent serving it. */
export interface Measured extends LoadResult {
  cpuMs: number;
}

/** A load against the server process `pid` (whose CPU time is read around it). */
export interface Turn {
  spec: LoadSpec;
  pid: number;
}

export async function measured({ spec, pid }: Turn): Promise<Measured> {
  const before = cpuMsOf(pid);
  const result = await load(spec);
  return { ...result, cpuMs: cpuMsOf(pid) - before };
}

/**
 * Runs each load in turn, `rounds` times over, after an unmeasured turn each of `warmUpSeconds`
 * (the JIT compiles the hot path); drift on the shared machine then touches every one alike.
 */
export async function turns(
  list: Turn[],
  { warmUpSeconds, rounds }: { warmUpSeconds: number; rounds: number },
): Promise<Measured[][]> {
  for (const { spec } of list) await load({ ...spec, durationSeconds: warmUpSeconds });
  const results = list.map((): Measured[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, turn] of list.entries()) results[i]!.push(await measured(turn));
  }
  return results;
}

export function mean(results: LoadResult[], field: keyof LoadResult): number {
  return results.reduce((sum, r) => sum + r[field], 0) / results.length;
}

/** Server CPU per request, µs: unlike throughput, barely moved by what else the machine runs. */
export function cpuPerRequest(results: Measured[]): number {
  return (results.reduce((sum, r) => sum + r.cpuMs, 0) * 1000) / results.reduce((sum, r) => sum + r.requests, 0);
}
