/**
 * @module runtime/kubernetes/api-errors
 * What the driver makes of failed API calls: an object already there (409) or already gone (404)
 * is the idempotent outcome every step is built on; anything else becomes a failure the owner can
 * read, without the API server's full answer (which names internals).
 */
import { WorkloadError } from '../../core/ports/runtime.js';

/** The HTTP status of a failed call (ApiException `code`, Watch errors `statusCode`). */
export function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  return typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

/** Runs a create; resolves false when the object already exists. */
export async function created(what: string, call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (statusOf(err) === 409) return false;
    throw clusterError(`creating ${what}`, err);
  }
}

/** Runs a delete; an object already gone is deleted. */
export async function deleted(what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (statusOf(err) !== 404) throw clusterError(`deleting ${what}`, err);
  }
}

export function clusterError(doing: string, err: unknown): WorkloadError {
  if (err instanceof WorkloadError) return err;
  const status = statusOf(err);
  const how =
    status === undefined
      ? `could not be reached (${(err as Error)?.message ?? String(err)})`
      : `answered HTTP ${status}`;
  const failure = new WorkloadError(`The Kubernetes cluster ${how} while ${doing}.`, 'ModelArts.6361', {
    phase: 'cluster',
  });
  failure.cause = err;
  return failure;
}
