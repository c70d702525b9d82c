/**
 * @module runtime/local/warm/hand-over
 * The driver's side of making a warm server the user's (the server's side is the Python extension
 * `python/demanager_handover.py`, which says why each step is safe): one authenticated request
 * with the user's environment, storage and, when users are isolated, account; and a check of the
 * answer against what the kernel says the process now is, so a server that kept any root id is
 * never handed to anyone.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { WorkloadError } from '../../../core/ports/runtime.js';
import { basePathOf } from '../jupyter-command.js';
import type { StatusTarget } from '../jupyter-status.js';

/** The extension's module name, as `nbserver_extensions` / `jpserver_extensions` load it. */
export const HANDOVER_MODULE = 'demanager_handover';

/**
 * Where the module lies, put first on the warm server's import path (a forked server's sys.path;
 * a spawned one's PYTHONPATH, which the extension takes off again for kernels). Resolved from the package root: the same from src/ and dist/, whose sources
 * ship with the package.
 */
export const HANDOVER_PYTHON_DIR = fileURLToPath(
  new URL('../../../../src/runtime/local/warm/python/', import.meta.url),
);

export interface HandOverRequest {
  /** Variables kernels and terminals get (the user's HOME, USER, profile variables, GPUs). */
  env: Record<string, string>;
  /** The notebook's storage: the contents and kernels root. */
  rootDir: string;
  /** The account to become (users mode); absent: the server stays the service's. */
  identity?: { uid: number; gid: number } | undefined;
}

export async function handOverServer(
  target: StatusTarget & { pid: number },
  request: HandOverRequest,
  timeoutMs: number,
): Promise<void> {
  const url = `http://127.0.0.1:${target.port}${basePathOf(target.instanceId)}demanager/handover`;
  const body = {
    env: request.env,
    root_dir: request.rootDir,
    ...(request.identity ? { uid: request.identity.uid, gid: request.identity.gid } : {}),
  };
  let answer: { pid?: unknown; uid?: unknown };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `token ${target.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`answered ${response.status}`);
    }
    answer = (await response.json()) as typeof answer;
  } catch (err) {
    throw refused(`the hand-over failed (${(err as Error).message})`);
  }
  if (answer.pid !== target.pid) throw refused(`another process (${String(answer.pid)}) answered`);
  if (request.identity) {
    const ids = await idsOf(target.pid);
    const { uid, gid } = request.identity;
    if (!ids || ids.uids.some((id) => id !== uid) || ids.gids.some((id) => id !== gid) || ids.groups.length > 0)
      throw refused(`the server still holds other ids (${JSON.stringify(ids)})`);
  }
}

/** Real, effective, saved and file-system user and group ids, and supplementary groups, from /proc. */
async function idsOf(pid: number): Promise<{ uids: number[]; gids: number[]; groups: number[] } | null> {
  const status = await readFile(`/proc/${pid}/status`, 'latin1').catch(() => '');
  const line = (name: string) =>
    (new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  if (!status) return null;
  return { uids: line('Uid'), gids: line('Gid'), groups: line('Groups') };
}

function refused(why: string): WorkloadError {
  return new WorkloadError(`The warm notebook server could not be taken over: ${why}.`, 'ModelArts.6361', {
    phase: 'hand-over',
  });
}
