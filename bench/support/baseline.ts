/**
 * @module bench/support/baseline
 * Starts the baseline every throughput figure is printed beside (bench/support/baseline-server) in
 * a process of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  const child = spawn(process.execPath, ['--import', 'tsx', BASELINE, file, String(busyUs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening at (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the baseline server exited ${code}`)));
  });
  return { url, process: child };
}
