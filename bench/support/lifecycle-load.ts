/**
 * @module bench/support/lifecycle-load
 * Control-plane throughput, in a process of its own: `workers` clients each run instances through
 * create → RUNNING → stop → STOPPED → start → RUNNING → stop → STOPPED → delete → gone, as fast as
 * the server moves them, for a fixed time. Waiting is polling GET detail every few milliseconds,
 * which is what a script does. Prints a {@link LifecycleResult} as JSON on stdout.
 */

export interface LifecycleSpec {
  /** `…/v1/{project_id}/demanager/instances`. */
  instancesUrl: string;
  token: string;
  workers: number;
  durationSeconds: number;
  /** The create body; `name` is replaced by a unique one per instance. */
  body: Record<string, unknown>;
}

export interface LifecycleResult {
  lifecycles: number;
  /** The state-changing calls: create, stop, start, stop, delete per lifecycle. */
  operations: number;
  /** Every request, polls included. */
  requests: number;
  seconds: number;
}

const POLL_MS = 5;
const spec = JSON.parse(process.argv[2]!) as LifecycleSpec;
const headers = { 'x-auth-token': spec.token, 'content-type': 'application/json' };
let requests = 0;
let operations = 0;

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  requests += 1;
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function change(method: string, url: string, body?: unknown): Promise<any> {
  operations += 1;
  const answer = await call(method, url, body);
  if (answer.status !== 200) throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function until(id: string, status: string | 'gone'): Promise<void> {
  for (;;) {
    const answer = await call('GET', `${spec.instancesUrl}/${id}`);
    // ModelArts answers a deleted instance 400 ModelArts.6309, not 404.
    const gone = answer.body?.error_code === 'ModelArts.6309';
    if (status === 'gone' ? gone : answer.body?.status === status) return;
    if (answer.status !== 200 && !gone) throw new Error(`GET ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    if (/FAILED/.test(answer.body?.status ?? '')) throw new Error(`${id} went ${answer.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function worker(n: number, deadline: number): Promise<number> {
  let done = 0;
  for (let round = 0; Date.now() < deadline; round++) {
    const { id } = await change('POST', spec.instancesUrl, {
      ...spec.body,
      name: `lifecycle-${process.pid}-${n}-${round}`,
    });
    const action = `${spec.instancesUrl}/${id}/action`;
    await until(id, 'RUNNING');
    await change('POST', action, { action: 'stop' });
    await until(id, 'STOPPED');
    await change('POST', action, { action: 'start' });
    await until(id, 'RUNNING');
    await change('POST', action, { action: 'stop' });
    await until(id, 'STOPPED');
    await change('DELETE', `${spec.instancesUrl}/${id}`);
    await until(id, 'gone');
    done += 1;
  }
  return done;
}

const started = Date.now();
const deadline = started + spec.durationSeconds * 1000;
const counts = await Promise.all(Array.from({ length: spec.workers }, (_, n) => worker(n, deadline)));
const result: LifecycleResult = {
  lifecycles: counts.reduce((a, b) => a + b, 0),
  operations,
  requests,
  seconds: (Date.now() - started) / 1000,
};
process.stdout.write(JSON.stringify(result) + '\n');
