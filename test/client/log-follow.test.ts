/**
 * What a later tail of a log adds to an earlier one, lined up on the earlier one's last lines: the
 * rule behind the CLI's `--follow` and the console's live log.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linesAfter } from '../../src/client/log-follow.js';

describe('linesAfter', () => {
  it('answers only what came after the earlier tail, however far the window moved', () => {
    assert.deepEqual(linesAfter(['a', 'b', 'c'], ['a', 'b', 'c']), [], 'nothing new');
    assert.deepEqual(linesAfter(['a', 'b', 'c'], ['a', 'b', 'c', 'd']), ['d']);
    assert.deepEqual(linesAfter(['a', 'b', 'c'], ['c', 'd', 'e']), ['d', 'e'], 'the window slid on');
    // a b c | b c x: the earlier tail's whole end, not just its last two lines, must line up.
    assert.deepEqual(linesAfter(['a', 'b', 'c'], ['b', 'c', 'b', 'c', 'x']), ['b', 'c', 'x'], 'a repeat after it');
    assert.deepEqual(linesAfter(['b', 'c'], ['b', 'c', 'b', 'c', 'x']), ['x'], 'the latest place it meets');
  });

  it('answers the whole later tail where the two do not meet, or nothing came before', () => {
    assert.deepEqual(linesAfter([], ['a']), ['a']);
    assert.deepEqual(linesAfter(['a', 'b'], ['x', 'y']), ['x', 'y'], 'moved on by more than a tail, or started again');
    assert.deepEqual(linesAfter(['a'], []), []);
  });
});
