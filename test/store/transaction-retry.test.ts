/**
 * @module test/store/transaction-retry
 * Which errors the PostgreSQL transaction retry re-runs, how often, and how long it waits between
 * attempts; no database involved (postgres-store.test.ts provokes real conflicts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRetryableTransactionError, retryTransaction } from '../../src/store/postgres/transaction-retry.js';

function pgError(code: string): Error {
  return Object.assign(new Error(`SQLSTATE ${code}`), { code });
}

/** Options that record the waits instead of waiting; `random` 0.999… makes each wait its ceiling. */
function recording(extra: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number } = {}) {
  const waits: number[] = [];
  return { waits, options: { ...extra, sleep: async (ms: number) => void waits.push(ms), random: () => 0.999_999 } };
}

describe('isRetryableTransactionError', () => {
  it('accepts serialization failures and deadlocks only', () => {
    assert.equal(isRetryableTransactionError(pgError('40001')), true);
    assert.equal(isRetryableTransactionError(pgError('40P01')), true);
    for (const other of [
      pgError('23505'),
      pgError('57014'),
      pgError('40002'),
      new Error('40001'),
      '40001',
      null,
      undefined,
      { code: 40001 },
    ]) {
      assert.equal(isRetryableTransactionError(other), false, String(other));
    }
  });
});

describe('retryTransaction', () => {
  it('returns the first success without waiting', async () => {
    const { waits, options } = recording();
    assert.equal(await retryTransaction(async () => 'done', options), 'done');
    assert.deepEqual(waits, []);
  });

  it('retries a 40001 and returns what the next attempt returns', async () => {
    const { waits, options } = recording();
    const seen: number[] = [];
    const result = await retryTransaction(async (attempt) => {
      seen.push(attempt);
      if (attempt === 1) throw pgError('40001');
      return attempt;
    }, options);
    assert.equal(result, 2);
    assert.deepEqual(seen, [1, 2]);
    assert.equal(waits.length, 1);
  });

  it('retries a deadlock (40P01) too', async () => {
    let calls = 0;
    const result = await retryTransaction(async () => {
      calls += 1;
      if (calls < 3) throw pgError('40P01');
      return 'ok';
    }, recording().options);
    assert.equal(result, 'ok');
    assert.equal(calls, 3);
  });

  it('gives up after N attempts and rethrows the last error unchanged', async () => {
    const { waits, options } = recording({ attempts: 4 });
    const errors: Error[] = [];
    const rejection = retryTransaction(async () => {
      const error = pgError('40001');
      errors.push(error);
      throw error;
    }, options);
    await assert.rejects(rejection, (error) => error === errors[errors.length - 1]);
    assert.equal(errors.length, 4);
    assert.equal(waits.length, 3);
  });

  it('defaults to five attempts', async () => {
    let calls = 0;
    await assert.rejects(
      retryTransaction(async () => {
        calls += 1;
        throw pgError('40001');
      }, recording().options),
      { code: '40001' },
    );
    assert.equal(calls, 5);
  });

  it('does not retry any other error', async () => {
    let calls = 0;
    await assert.rejects(
      retryTransaction(async () => {
        calls += 1;
        throw pgError('23505');
      }, recording().options),
      { code: '23505' },
    );
    assert.equal(calls, 1);
  });

  it('backs off exponentially with jitter up to a ceiling', async () => {
    const { waits, options } = recording({ attempts: 7, baseDelayMs: 10, maxDelayMs: 100 });
    await assert.rejects(retryTransaction(async () => Promise.reject(pgError('40001')), options));
    assert.deepEqual(waits, [9, 19, 39, 79, 99, 99]);

    const low: number[] = [];
    await assert.rejects(
      retryTransaction(async () => Promise.reject(pgError('40001')), {
        attempts: 3,
        sleep: async (ms) => void low.push(ms),
        random: () => 0,
      }),
    );
    assert.deepEqual(low, [0, 0]);
  });

  it('really waits by default (how briefly is the ceilings above, not a timing on a shared machine)', async () => {
    const started = performance.now();
    let calls = 0;
    await retryTransaction(
      async () => {
        calls += 1;
        if (calls < 3) throw pgError('40001');
      },
      { random: () => 0.999 },
    );
    assert.equal(calls, 3);
    // Two real timers at the top of the default ceilings (4 and 9 ms); a timer may fire a little early.
    assert.ok(performance.now() - started >= 12);
  });

  it('refuses a number of attempts below one', async () => {
    await assert.rejects(
      retryTransaction(async () => 1, { attempts: 0 }),
      RangeError,
    );
  });
});
