/**
 * @module core/instance-tokens
 * The two secrets of a running instance, both derived rather than stored, so every replica can
 * compute them and both change with every start (each run has a random `runId` in its runtime
 * state):
 * - the access token (`GET …/token`, 32 hex) that opens the notebook URL for its owner;
 * - the workload token the notebook server itself requires, known only to this service, which
 *   the proxy injects and nobody is ever shown.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.js';
import type { Instance } from './instance.js';

export function runIdOf(instance: Instance): string | null {
  const runId = instance.runtime?.data.runId;
  return typeof runId === 'string' && runId ? runId : null;
}

export class InstanceTokens {
  constructor(
    private readonly accessKey: Buffer,
    private readonly workloadKey: Buffer,
  ) {}

  /** 32 hex characters, as the public API documents; 6327 unless the instance runs. */
  issue(instance: Instance): string {
    const runId = runIdOf(instance);
    if (instance.status !== 'RUNNING' || runId === null) throw new ApiError('ModelArts.6327');
    return this.#mac(this.accessKey, instance.id, runId);
  }

  verify(instance: Instance, token: string): boolean {
    let expected: string;
    try {
      expected = this.issue(instance);
    } catch {
      return false;
    }
    return token.length === expected.length && timingSafeEqual(Buffer.from(token), Buffer.from(expected));
  }

  /** The private token of one run of the workload. */
  workloadToken(instanceId: string, runId: string): string {
    return this.#mac(this.workloadKey, instanceId, runId);
  }

  #mac(key: Buffer, instanceId: string, runId: string): string {
    return createHmac('sha256', key).update(`${instanceId}\0${runId}`).digest('hex').slice(0, 32);
  }
}
