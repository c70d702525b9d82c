/**
 * @module api/answer-turns
 * Large answers (a list page: up to hundreds of instances read, parsed, viewed and serialized, some
 * 166 KB for 100) take turns: one starts per turn of the event loop, in the order their requests
 * arrived. On SQLite the whole of such an answer is synchronous, so without turns every request
 * read in one poll of the sockets was built and written before the loop looked at its sockets
 * again: a request arriving meanwhile waited for the whole batch (32 answers of 2 ms, stretched
 * tenfold when the process waits for a CPU), and then for its place in the next batch, in the
 * kernel's order rather than its arrival's. Taking turns, the loop reads new requests between two
 * answers and serves them first come, first served, as PostgreSQL's asynchronous reads already do.
 * Nothing is cached or held back: an answer is read from the store when its turn comes.
 */
const waiting: Array<() => void> = [];
let scheduled = false;

function nextTurn(): void {
  // The answer resolved here runs, synchronously on SQLite, before the loop moves on: the next
  // one is scheduled for the loop's next turn, after a poll of the sockets.
  waiting.shift()?.();
  scheduled = waiting.length > 0;
  if (scheduled) setImmediate(nextTurn);
}

/** Resolves on this answer's turn: after every earlier caller's, each in a turn of the loop of its own. */
export function answerTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(nextTurn);
    }
  });
}
