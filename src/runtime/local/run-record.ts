/**
 * @module runtime/local/run-record
 * What the driver keeps about a running notebook: in `RuntimeState.data` (so a restarted service
 * re-adopts it) and in the instance's `run.json` (written right after spawn, so a stop can find a
 * process whose start was never recorded). It holds a random run id, never the token: the token
 * is recomputed from `(instance id, run id)` by the injected `secretFor`.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { RuntimeState } from '../../core/model/instance.js';

export interface RunRecord {
  pid: number;
  port: number;
  runId: string;
  /** Epoch ms (injected clock). */
  startedAt: number;
  logFile: string;
}

/** The record in `data`, or null when it is missing or not one of this driver's. */
export function parseRunRecord(data: unknown): RunRecord | null {
  if (typeof data !== 'object' || data === null) return null;
  const { pid, port, runId, startedAt, logFile } = data as Record<string, unknown>;
  const positive = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
  if (!positive(pid) || !positive(port) || typeof runId !== 'string' || !/^[0-9a-f]{16,64}$/.test(runId)) return null;
  return {
    pid,
    port,
    runId,
    startedAt: typeof startedAt === 'number' ? startedAt : 0,
    logFile: typeof logFile === 'string' ? logFile : '',
  };
}

export function runtimeState(record: RunRecord): RuntimeState {
  return { endpoint: `http://127.0.0.1:${record.port}`, data: { ...record } };
}

export async function readRunFile(file: string): Promise<RunRecord | null> {
  try {
    return parseRunRecord(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return null;
  }
}

export async function writeRunFile(file: string, record: RunRecord): Promise<void> {
  await writeFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

export async function removeRunFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
