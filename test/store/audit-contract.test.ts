/**
 * @module test/store/audit-contract
 * The audit part of the `Store` contract, on every implementation: recorded calls round-trip, and
 * a project's trail reads them together with the automatic actions of its instances' history
 * (and nothing else of it), newest first, paged and bounded in time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditRecord } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { T0, makeEvent, makeInstance } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

function call(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    at: T0,
    projectId: 'project-a',
    userId: 'user-1',
    userName: 'alice',
    action: 'POST /v1/{project_id}/demanager/instances',
    target: null,
    source: '192.0.2.7',
    status: 200,
    outcome: 'success',
    replica: 'replica-a',
    detail: { action: 'start ✓' },
    ...overrides,
  };
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: audit trail (${factory.name})`, () => {
    const c = contractCase(factory);

    it('reads calls and automatic actions of one project as one trail, newest first', async () => {
      const instance = makeInstance({ projectId: 'project-a' });
      await c.store.audit.record(call({ at: T0 + 10 }));
      await c.store.audit.record(
        call({
          at: T0 + 30,
          userId: null,
          userName: null,
          status: 401,
          outcome: 'ModelArts.0201',
          detail: null,
          target: instance.id,
        }),
      );
      await c.store.audit.record(call({ at: T0 + 40, projectId: 'project-b' }));
      await c.store.audit.record(call({ at: T0 + 50, projectId: null, action: 'POST /v3/auth/tokens' }));
      await c.store.instances.insert(instance);
      await c.store.instances.appendEvent(
        makeEvent(instance, { at: T0 + 20, kind: 'auto-stop', by: 'system', detail: { reason: 'deadline' } }),
      );
      // Not automatic actions: a user's request, and the reconciler finishing a step.
      await c.store.instances.appendEvent(makeEvent(instance, { at: T0 + 25, kind: 'start', by: 'user-1' }));
      await c.store.instances.appendEvent(makeEvent(instance, { at: T0 + 26, kind: 'transition', by: 'system' }));

      const page = await c.store.audit.list({ projectId: 'project-a', offset: 0, limit: 0 });
      assert.equal(page.total, 3);
      assert.deepEqual(
        page.items.map((e) => [e.origin, e.at, e.action, e.outcome, e.userId, e.target]),
        [
          ['api', T0 + 30, 'POST /v1/{project_id}/demanager/instances', 'ModelArts.0201', null, instance.id],
          ['system', T0 + 20, 'auto-stop', 'success', null, instance.id],
          ['api', T0 + 10, 'POST /v1/{project_id}/demanager/instances', 'success', 'user-1', null],
        ],
      );
      const [, automatic, first] = page.items;
      assert.deepEqual(automatic!.detail, { reason: 'deadline' });
      assert.deepEqual({ ...first, seq: 0 }, { ...call({ at: T0 + 10 }), origin: 'api', seq: 0 });

      const all = await c.store.audit.list({ offset: 0, limit: 0 });
      assert.equal(all.total, 5);
      assert.equal(all.items[0]!.action, 'POST /v3/auth/tokens');
      assert.equal(all.items[0]!.projectId, null);
    });

    it('pages and bounds by time', async () => {
      for (let i = 0; i < 5; i++) await c.store.audit.record(call({ at: T0 + i }));
      const page = await c.store.audit.list({ projectId: 'project-a', offset: 1, limit: 2 });
      assert.equal(page.total, 5);
      assert.deepEqual(
        page.items.map((e) => e.at),
        [T0 + 3, T0 + 2],
      );
      const window = await c.store.audit.list({
        projectId: 'project-a',
        since: T0 + 1,
        until: T0 + 3,
        offset: 0,
        limit: 0,
      });
      assert.deepEqual(
        window.items.map((e) => e.at),
        [T0 + 2, T0 + 1],
      );
      assert.equal(window.total, 2);
    });
  });
}
