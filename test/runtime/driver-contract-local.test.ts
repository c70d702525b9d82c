/**
 * The runtime driver contract on the local driver, with real Jupyter servers in a temporary data
 * directory: what runs is seen through the processes marked with the instance directory, storage
 * through the instance directory and, for the kept marker, through the notebook's contents API.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Workload } from '../../src/core/ports/runtime.js';
import { markedProcesses } from '../../src/runtime/local/process-marker.js';
import { driverContract } from './driver-contract.js';
import { api, makeDriver, makeWorkload, runData, tempDir } from './local-fixtures.js';

const dataDir = tempDir('local-contract');
const instanceDir = (workload: Workload) => join(dataDir, 'instances', workload.instance.id);
const MARKER = 'api/contents/contract-marker.txt';

driverContract('local', {
  driver: () => makeDriver(dataDir),
  workload: () => makeWorkload(),
  async exitFromOutside(_workload, state) {
    process.kill(runData(state).pid, 'SIGKILL');
  },
  runs: async (workload) => (await markedProcesses({ instanceDir: instanceDir(workload) })).length > 0,
  async answers(workload, state) {
    try {
      return (await api(workload, state, 'api/status')).status === 200;
    } catch {
      return false;
    }
  },
  storage: {
    exists: async (workload) => existsSync(instanceDir(workload)),
    async write(workload, state, value) {
      const body = JSON.stringify({ type: 'file', format: 'text', content: value });
      const put = await api(workload, state, MARKER, {
        method: 'PUT',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      if (put.status !== 201 && put.status !== 200) throw new Error(`writing the marker answered ${put.status}`);
    },
    async read(workload, state) {
      const got = await api(workload, state, MARKER);
      return got.status === 200 ? ((await got.json()) as { content: string }).content : undefined;
    },
  },
  async cleanup() {
    rmSync(dataDir, { recursive: true, force: true });
  },
});
