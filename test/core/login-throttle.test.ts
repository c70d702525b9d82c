import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { LoginThrottle } from '../../src/core/identity/login-throttle.js';

const name = (userName: string, address?: string) => ({ domain: 'default', userName, ...(address ? { address } : {}) });

describe('LoginThrottle', () => {
  it('keeps a locked name when a flood of other names overflows its memory', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, {
      failuresPerUser: 2,
      failuresPerAddress: 0,
      lockoutMs: 60_000,
      maxEntries: 3,
    });
    throttle.failed(name('victim'));
    throttle.failed(name('victim'));
    for (let i = 0; i < 50; i++) throttle.failed(name(`flood-${i}`, `10.0.0.${i}`));
    assert.equal(throttle.lockedFor(name('victim')), 60_000);
    clock.advance(60_000);
    assert.equal(throttle.lockedFor(name('victim')), 0);
  });

  it("never locks by a threshold of 0, and tells two domains' names apart", () => {
    const throttle = new LoginThrottle(new ManualClock(), {
      failuresPerUser: 1,
      failuresPerAddress: 0,
      lockoutMs: 1000,
    });
    throttle.failed({ domain: 'a', userName: 'admin', address: '192.0.2.1' });
    assert.equal(throttle.lockedFor({ domain: 'a', userName: 'admin' }), 1000);
    assert.equal(throttle.lockedFor({ domain: 'b', userName: 'admin', address: '192.0.2.1' }), 0);
  });
});
