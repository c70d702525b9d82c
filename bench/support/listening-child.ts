/**
 * @module bench/support/listening-child
 * Starts a helper server of the benchmarks (a baseline, a pass-through proxy) as a process of its
 * own, so it never shares an event loop with what it is measured beside, and resolves with the URL
 * it prints once it listens (`listening at <url>`).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export async function spawnListening(
  script: string,
  args: readonly string[],
  what: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening at (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited ${code}`)));
  });
  return { url, child };
}
