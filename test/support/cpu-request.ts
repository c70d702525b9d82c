/**
 * @module test/support/cpu-request
 * The create request most tests send, whether to core (test/support/core-harness) or over HTTP
 * (test/support/test-app): both take it from here so a change of the default body is made once.
 */

/** A create body on the CPU profile and `flavor`, with evs storage and a one-hour auto-stop. */
export function cpuBody(name: string, flavor: string, autoStop = true) {
  return {
    name,
    profile_id: 'Multi-Engine 1.0 (python3)-cpu',
    flavor,
    spec: { storage: { type: 'evs' }, auto_stop: { enable: autoStop, duration: 3600 } },
  };
}
