/**
 * @module bench/support/load-spec
 * What a load run is asked to do and what it answers, shared by the load generator
 * (bench/support/load) and its wrk flavour (bench/support/wrk-load).
 */
export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
  /** autocannon unless told otherwise. */
  tool?: 'autocannon' | 'wrk';
  /** Sign every request with this access key instead of sending a token. */
  accessKey?: { id: string; secret: string };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** The slowest request. */
  maxMs: number;
  requests: number;
  /** Answers other than 2xx, and connection errors or timeouts: a valid run has none. */
  failures: number;
}
