/**
 * @module runtime/local/jupyter-status
 * Talks to a workload's `api/status` with its private token. Every request has a timeout, and
 * `no_track_activity=1` keeps the driver's own requests from counting as user activity (which
 * would defeat auto-stop).
 */
import { basePathOf } from './jupyter-command.js';
import { sleep } from './wait.js';

export type StatusAnswer =
  | { kind: 'ok'; lastActivity: number | undefined }
  /** Answered, but not with 200 — e.g. 403 from a server that does not know this token. */
  | { kind: 'refused'; status: number }
  | { kind: 'unreachable'; reason: string };

export interface StatusTarget {
  port: number;
  instanceId: string;
  token: string;
}

export async function fetchStatus(
  target: StatusTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<StatusAnswer> {
  const url = `http://127.0.0.1:${target.port}${basePathOf(target.instanceId)}api/status?no_track_activity=1`;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      headers: { Authorization: `token ${target.token}` },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: 'manual',
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { kind: 'refused', status: response.status };
    }
    const body = (await response.json()) as { last_activity?: unknown };
    const parsed = typeof body.last_activity === 'string' ? Date.parse(body.last_activity) : NaN;
    return { kind: 'ok', lastActivity: Number.isNaN(parsed) ? undefined : parsed };
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.aborted) return { kind: 'unreachable', reason: `no answer within ${timeoutMs} ms` };
    const cause = (err as { cause?: { code?: string } }).cause;
    return { kind: 'unreachable', reason: cause?.code ?? String(err) };
  }
}

export interface ReadinessOptions {
  timeoutMs: number;
  requestTimeoutMs: number;
  signal: AbortSignal;
  /** Aborted when the server process exits; also cuts short a request hanging on the port. */
  exited: AbortSignal;
}

/** Polls with backoff (100 ms → 1 s) until 200, the process exits, or the time is up. */
/** The longest pause between two readiness polls. */
const READY_POLL_MAX_MS = 100;

export async function waitReady(
  target: StatusTarget,
  options: ReadinessOptions,
): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + options.timeoutMs;
  const either = AbortSignal.any([options.signal, options.exited]);
  // Polled often (a refused connection costs next to nothing): with pauses growing to 1 s, a server
  // ready after 0.55 s was seen at 0.81 s, the next poll; now at most 0.1 s late.
  let pause = 25;
  try {
    for (;;) {
      either.throwIfAborted();
      const answer = await fetchStatus(target, options.requestTimeoutMs, either);
      if (answer.kind === 'ok') return 'ready';
      if (Date.now() + pause > deadline) return 'timeout';
      await sleep(pause, either);
      pause = Math.min(READY_POLL_MAX_MS, Math.round(pause * 1.5));
    }
  } catch (err) {
    if (options.exited.aborted && !options.signal.aborted) return 'exited';
    throw err;
  }
}
