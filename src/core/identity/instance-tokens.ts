/**
 * @module core/identity/instance-tokens
 * The two secrets of a running instance, both derived rather than stored, so every replica can
 * compute them and both change with every start (each run has a random `runId` in its runtime
 * state):
 * - the access token (`GET …/token`, 32 hex) that opens the notebook URL, bound to the user who
 *   asked for it: it names nobody, but matches only when checked against that user's id, so the
 *   proxy can tell whose it is among the few who may open the instance, and refuse it once that
 *   user no longer may (core/identity/notebook-openers);
 * - the workload token the notebook server itself requires, known only to this service, which
 *   the proxy injects and nobody is ever shown.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../shared/errors.js';
import type { Instance } from '../model/instance.js';

export function runIdOf(instance: Instance): string | null {
  const runId = instance.runtime?.data.runId;
  return typeof runId === 'string' && runId ? runId : null;
}

export class InstanceTokens {
  constructor(
    private readonly accessKey: Buffer,
    private readonly workloadKey: Buffer,
  ) {}

  /** 32 hex characters, as the public API documents, for `userId`; 6327 unless the instance runs. */
  issue(instance: Instance, userId: string): string {
    const runId = runIdOf(instance);
    if (instance.status !== 'RUNNING' || runId === null) throw new DomainError('ModelArts.6327');
    return this.#mac(this.accessKey, instance.id, runId, userId);
  }

  /**
   * Which of `userIds` `token` was issued to for the instance's current run, or null for none
   * (a token of another run or instance, of a user not among them, or one issued before tokens
   * named their user).
   */
  holderOf(instance: Instance, token: string, userIds: Iterable<string>): string | null {
    const given = Buffer.from(token);
    if (given.length !== 32) return null;
    for (const userId of userIds) {
      let expected: string;
      try {
        expected = this.issue(instance, userId);
      } catch {
        return null;
      }
      if (timingSafeEqual(given, Buffer.from(expected))) return userId;
    }
    return null;
  }

  /** The private token of one run of the workload. */
  workloadToken(instanceId: string, runId: string): string {
    return this.#mac(this.workloadKey, instanceId, runId);
  }

  #mac(key: Buffer, ...parts: string[]): string {
    return createHmac('sha256', key).update(parts.join('\0')).digest('hex').slice(0, 32);
  }
}
