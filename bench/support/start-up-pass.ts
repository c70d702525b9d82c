/**
 * @module bench/support/start-up-pass
 * Taking the lead, a server looks at every running workload once, answering requests meanwhile
 * (core/instances/reconciler). That is start-up work: a benchmark waits for the log line saying it
 * is over before it measures anything else.
 */
import type { ChildServer } from '../../test/support/child-server.js';
import { sleep } from './measure.js';

export const START_UP_PASS_LINE = /"running":(\d+),"ms":(\d+),"msg":"looked at every running workload"/;

export async function startUpPass(server: ChildServer, deadline: number): Promise<{ running: number; ms: number }> {
  for (;;) {
    const line = START_UP_PASS_LINE.exec(server.output());
    if (line) return { running: Number(line[1]), ms: Number(line[2]) };
    if (Date.now() > deadline) throw new Error('the server did not finish looking at its running workloads in time');
    await sleep(50);
  }
}
