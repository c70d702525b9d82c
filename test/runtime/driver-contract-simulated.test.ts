/**
 * The runtime driver contract on the simulated driver. Its phases take a millisecond of the system
 * clock; its workloads live in stored states and in the memory of the driver that ran them.
 */
import { systemClock } from '../../src/core/shared/clock.js';
import { SimulatedDriver, type SimulatedDriverOptions } from '../../src/runtime/simulated/simulated-driver.js';
import { driverContract } from './driver-contract.js';
import { makeWorkload } from './workloads.js';

const options: SimulatedDriverOptions = { delays: { prepare: 1, start: 1, stop: 1, remove: 1 }, failOn: {} };

driverContract('simulated', {
  driver: () => new SimulatedDriver(systemClock, options),
  workload: () => makeWorkload(),
  async exitFromOutside(workload, _state, driver) {
    (driver as SimulatedDriver).crash(workload.instance.id);
  },
  async cleanup() {},
});
