/**
 * @module bench/support/baseline
 * Starts the baseline every throughput figure is printed beside (bench/support/baseline-server) in
 * a process of its own.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnListening } from './listening-child.js';

const BASELINE = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));

export interface Baseline {
  url: string;
  process: ChildProcess;
}

/**
 * The bare Fastify server, answering `body` to every GET (its file is written in `dir`), after
 * `busyUs` µs of CPU when given.
 */
export async function startBaseline(dir: string, body: string, busyUs = 0): Promise<Baseline> {
  const file = join(dir, `baseline-${Date.now()}.json`);
  await writeFile(file, body);
  const { url, child } = await spawnListening(BASELINE, [file, String(busyUs)], 'the baseline server');
  return { url, process: child };
}
