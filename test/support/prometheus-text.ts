/**
 * @module test/support/prometheus-text
 * Reading `/metrics` in tests: one sample's value from the Prometheus text, and the four usage
 * counters of a project and flavor as a system admin scrapes them.
 */
import type { TestApp } from './test-app.js';

/** The value of one sample line, `name{labels} value`; undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** Instance-, CPU-, GPU- and memory GiB-hours of the app's project and `flavor`, as scraped now. */
export async function usageCounters(t: TestApp, flavor: string): Promise<(number | undefined)[]> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } });
  const text = await res.text();
  const labels = { project: t.projectId, flavor };
  return ['instance', 'cpu', 'gpu', 'memory_gib'].map((what) =>
    sample(text, `demanager_usage_${what}_hours_total`, labels),
  );
}
