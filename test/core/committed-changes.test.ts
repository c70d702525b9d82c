/**
 * The store's change publication: every subscriber hears each committed change in order, one that
 * throws is logged without keeping the change from the others (nor failing the write), and one that
 * unsubscribed hears no more.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommittedChanges, type CommittedChange } from '../../src/core/changes/committed-changes.js';
import { makeInstance } from '../store/fixtures.js';

describe('CommittedChanges', () => {
  it('tells every subscriber in order, logs a failing one, and forgets one that unsubscribed', () => {
    const logged: unknown[] = [];
    const changes = new CommittedChanges({ info() {}, warn() {}, error: (fields: unknown) => logged.push(fields) });
    const heard: string[] = [];
    changes.subscribe(() => {
      throw new Error('listener broke');
    });
    const stop = changes.subscribe((change) => heard.push(`a ${change.kind}`));
    changes.subscribe((change) => heard.push(`b ${change.kind}`));
    const instance = makeInstance();
    const changed: CommittedChange = { kind: 'changed', instance };
    changes.publish(changed);
    stop();
    changes.publish({ kind: 'deleted', id: instance.id, projectId: instance.projectId });
    assert.deepEqual(heard, ['a changed', 'b changed', 'b deleted']);
    assert.equal(logged.length, 2);
  });
});
