/**
 * @module test/api/answer-turns
 * Large answers take turns: they start in the order they asked, one per turn of the event loop, so
 * the loop polls its sockets (reads new requests) between two of them. A turn of the loop is
 * counted by an immediate that schedules itself again: it runs once per check phase.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { answerTurn } from '../../src/api/answer-turns.js';

/** Counts the event loop's turns until stopped. */
function loopTurns(): { now(): number; stop(): void } {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turns, stop: () => void (running = false) };
}

it('answers start in the order they asked, each in a turn of the event loop of its own', async () => {
  const loop = loopTurns();
  const started: Array<[number, number]> = [];
  await Promise.all(
    [0, 1, 2, 3].map(async (n) => {
      await answerTurn();
      started.push([n, loop.now()]);
    }),
  );
  loop.stop();
  assert.deepEqual(
    started.map(([n]) => n),
    [0, 1, 2, 3],
  );
  for (let i = 1; i < started.length; i++)
    assert.ok(started[i]![1] > started[i - 1]![1], `answers ${i - 1} and ${i} started in one turn: ${started}`);
});

it('a lone answer waits for no one, and one asking later queues behind those still waiting', async () => {
  const order: string[] = [];
  await answerTurn();
  order.push('lone');
  const first = answerTurn().then(() => order.push('first'));
  const second = answerTurn().then(() => order.push('second'));
  await first;
  const late = answerTurn().then(() => order.push('late'));
  await Promise.all([second, late]);
  assert.deepEqual(order, ['lone', 'first', 'second', 'late']);
});
