/**
 * @module cli/instance-wait
 * `--wait`: polls an instance until it rests (RUNNING, STOPPED, a failed status) or is gone,
 * backing off from a quick first look to a gentle steady pace.
 */
import { isNotFound, type DemanagerClient, type Instance, type InstanceStatus } from '../client/index.js';
import { OperationFailedError } from './cli-errors.js';
import { note } from './output.js';

export const FAILED_STATUSES: ReadonlySet<InstanceStatus> = new Set<InstanceStatus>([
  'CREATE_FAILED',
  'START_FAILED',
  'RESIZE_FAILED',
  'UNAVAILABLE',
]);
const RESTING_STATUSES: ReadonlySet<InstanceStatus> = new Set<InstanceStatus>([
  'RUNNING',
  'STOPPED',
  'DELETED',
  ...FAILED_STATUSES,
]);

export interface WaitOptions {
  timeoutSeconds: number;
  /** Print status changes on stderr. */
  progress?: boolean;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function poll<T>(
  what: string,
  options: WaitOptions,
  check: () => Promise<{ done: true; value: T } | { done: false; status: string }>,
): Promise<T> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let delay = FIRST_DELAY_MS;
  let last = '';
  for (;;) {
    const result = await check();
    if (result.done) return result.value;
    if (options.progress && result.status !== last) note(`${what}: ${result.status}`);
    last = result.status;
    if (Date.now() + delay > deadline) {
      throw new OperationFailedError(
        `timed out after ${options.timeoutSeconds}s waiting for ${what} (still ${result.status})`,
      );
    }
    await sleep(delay);
    delay = Math.min(MAX_DELAY_MS, Math.round(delay * 1.5));
  }
}

/** The instance once it rests; whether that is a failure is for the caller to judge. */
export function waitForRest(client: DemanagerClient, id: string, options: WaitOptions): Promise<Instance> {
  return poll(`instance ${id}`, options, async () => {
    const instance = await client.get(id);
    return RESTING_STATUSES.has(instance.status)
      ? { done: true, value: instance }
      : { done: false, status: instance.status };
  });
}

/** Resolves once the instance no longer exists (GET answers ModelArts.6309). */
export function waitForGone(client: DemanagerClient, id: string, options: WaitOptions): Promise<void> {
  return poll(`instance ${id}`, options, async () => {
    try {
      const instance = await client.get(id);
      return { done: false, status: instance.status };
    } catch (error) {
      if (isNotFound(error)) return { done: true, value: undefined };
      throw error;
    }
  });
}

/** Throws when the instance rests in a failed status, with the reason the server gives. */
export function assertNotFailed(instance: Instance): void {
  if (!FAILED_STATUSES.has(instance.status)) return;
  const reason = instance.spec.failed_reasons;
  const detail = reason
    ? `: ${reason.message} (${reason.code})`
    : instance.error_code
      ? ` (${instance.error_code})`
      : '';
  throw new OperationFailedError(`instance ${instance.name} (${instance.id}) is ${instance.status}${detail}`);
}
