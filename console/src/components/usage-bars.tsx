/**
 * A usage report's groups as horizontal bars, one per user, flavor or day, each as long as its
 * share of the largest. The bar itself is drawn in SVG and hidden from screen readers: each row
 * says its name and figure in words, so nothing is told by length or colour alone.
 */
import type { UsageReport } from '../../../src/client/index.js';
import { formatHours } from '../format.js';

/** One user's, flavor's or day's figures. */
export type UsageGroup = UsageReport['groups'][number];

export type UsageMeasure = 'gpu_hours' | 'cpu_hours';

export const MEASURE_LABEL: Record<UsageMeasure, string> = { gpu_hours: 'GPU-hours', cpu_hours: 'CPU-hours' };

/** A bar's length in the SVG's own units (its width is the row's, whatever the screen). */
const BAR_UNITS = 1000;

export function UsageBars(props: {
  label: string;
  groups: readonly UsageGroup[];
  measure: UsageMeasure;
  nameOf(group: UsageGroup): string;
}) {
  const { label, groups, measure, nameOf } = props;
  const largest = Math.max(0, ...groups.map((g) => g[measure]));
  return (
    <ul class="usage-bars" aria-label={label}>
      {groups.map((group) => {
        const value = group[measure];
        // A group with some use keeps a sliver, so "a little" never looks like "none".
        const length = largest > 0 && value > 0 ? Math.max(4, Math.round((value / largest) * BAR_UNITS)) : 0;
        return (
          <li key={group.key} data-group={group.key}>
            <span class="bar-name" title={nameOf(group)}>
              {nameOf(group)}
            </span>
            <svg
              class="bar"
              viewBox={`0 0 ${BAR_UNITS} 10`}
              preserveAspectRatio="none"
              aria-hidden="true"
              focusable="false"
            >
              <rect class="bar-track" x="0" y="0" width={BAR_UNITS} height="10" />
              <rect class="bar-fill" x="0" y="0" width={length} height="10" />
            </svg>
            <span class="bar-figure">
              {formatHours(value)} {MEASURE_LABEL[measure]}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
