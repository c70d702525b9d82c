/**
 * @module test/support/rule-flavors
 * The flavors the domain-rule tests and their wire counterparts share: the rules are tested on
 * core (test/core/*-rules) and the same flavors shown over HTTP (test/api), so both name them here.
 */
import { completeFlavor } from '../../src/core/model/builtin-catalog.js';

/** A small capacity that concurrent creates fill; refuses (does not queue) when full. */
export const SMALL = completeFlavor({ name: 'modelarts.vm.cpu.small', type: 'CPU', params: { CPU: 1 }, capacity: 3 });

/** Two slots, and a line behind them. */
export const LINE = completeFlavor({
  name: 'modelarts.vm.cpu.line',
  type: 'CPU',
  params: { CPU: 1 },
  promo_type: 'Free',
  capacity: 2,
  queues: true,
});

/** One slot, and a line behind it. */
export const ONE = { ...LINE, name: 'modelarts.vm.cpu.one', capacity: 1 };

export const RESERVATION_SECONDS = 300;

/** One slot, a line, and a reservation its first in line must confirm with start. */
export const CONFIRM = completeFlavor({
  name: 'modelarts.vm.cpu.confirm',
  type: 'CPU',
  params: { CPU: 1 },
  promo_type: 'Free',
  capacity: 1,
  queues: true,
  reservation_seconds: RESERVATION_SECONDS,
});
