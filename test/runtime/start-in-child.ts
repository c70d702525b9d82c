/**
 * @module test/runtime/start-in-child
 * Plays a service that starts workloads and then goes away: reads `{dataDir, workloads}` as JSON
 * from argv, starts each with a LocalDriver, prints their runtime states as JSON and exits.
 */
import type { Workload } from '../../src/core/ports/runtime.js';
import { makeDriver } from './local-fixtures.js';

const { dataDir, workloads } = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; workloads: Workload[] };
const driver = makeDriver(dataDir);
const states = [];
for (const workload of workloads) {
  await driver.prepare(workload, new AbortController().signal);
  states.push(await driver.start(workload, new AbortController().signal));
}
process.stdout.write(JSON.stringify(states));
process.exit(0);
