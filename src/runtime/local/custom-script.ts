/**
 * @module runtime/local/custom-script
 * Runs `spec.custom_script_path` with /bin/sh in the storage directory before the server starts,
 * its output appended to the instance log. A non-zero exit fails the start with the log's tail.
 */
import { WorkloadError } from '../../core/ports/runtime.js';
import type { Containment } from './isolation/contained-spawn.js';
import { openForChild, tail } from './log-file.js';
import { runToExit, type RunResult } from './run-to-exit.js';

export interface ScriptRequest {
  script: string;
  /** How the owner wrote it (`/scripts/init.sh`), for messages. */
  shownAs: string;
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** The notebook's account and control group: the script is the owner's code. */
  containment?: Containment;
}

export async function runCustomScript(request: ScriptRequest): Promise<void> {
  const log = await openForChild(request.logFile);
  let result: RunResult;
  try {
    result = await runToExit('/bin/sh', [request.script], {
      cwd: request.cwd,
      env: request.env,
      output: log.fd,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      ...(request.containment ? { containment: request.containment } : {}),
    });
  } finally {
    await log.close();
  }
  if (result.code === 0 && !result.timedOut) return;
  const lines = (await tail(request.logFile, 10)).join('\n');
  const why = result.timedOut
    ? `did not finish within ${Math.round(request.timeoutMs / 1000)} s`
    : `exited with ${result.code ?? result.signal}`;
  throw new WorkloadError(`The custom script ${request.shownAs} ${why}. Last log lines:\n${lines}`, 'ModelArts.6361', {
    phase: 'custom_script',
    log_tail: lines,
  });
}
