/**
 * @module core/instance-tokens
 * The token that opens a running instance's notebook URL (`GET …/token`). Derived, not stored:
 * an HMAC of the instance id and the start time of its current run under the server's key, so
 * every replica can verify it and it stops working when the instance stops or restarts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.js';
import type { Instance } from './instance.js';

export class InstanceTokens {
  constructor(private readonly key: Buffer) {}

  /** 32 hex characters, as the public API documents. */
  issue(instance: Instance): string {
    const runId = instance.runtime ? String(instance.runtime.data.startedAt ?? instance.updatedAt) : null;
    if (instance.status !== 'RUNNING' || runId === null) throw new ApiError('ModelArts.6327');
    return createHmac('sha256', this.key).update(`instance-token\0${instance.id}\0${runId}`).digest('hex').slice(0, 32);
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
}
