/**
 * Every figure of a usage report in a table, one row per group and the total at its foot: what the
 * bars show, and what they leave out (memory and instance hours), for reading and for screen readers.
 */
import type { UsageReport } from '../../../src/client/index.js';
import { formatHours } from '../format.js';
import type { UsageGroup } from './usage-bars.js';

type UsageFigures = UsageReport['total'];

const FIGURES: [keyof UsageFigures, string][] = [
  ['gpu_hours', 'GPU-hours'],
  ['cpu_hours', 'CPU-hours'],
  ['memory_gib_hours', 'Memory GiB-hours'],
  ['instance_hours', 'Instance-hours'],
];

function Figures({ of }: { of: UsageFigures }) {
  return (
    <>
      {FIGURES.map(([field, label]) => (
        <td data-label={label} class="figure">
          {formatHours(of[field])}
        </td>
      ))}
    </>
  );
}

export function UsageTable(props: {
  caption: string;
  groupLabel: string;
  report: UsageReport;
  nameOf(group: UsageGroup): string;
}) {
  const { caption, groupLabel, report, nameOf } = props;
  return (
    <table class="usage-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{groupLabel}</th>
          {FIGURES.map(([, label]) => (
            <th scope="col" class="figure">
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {report.groups.map((group) => (
          <tr key={group.key} data-group={group.key}>
            <th scope="row" data-label={groupLabel}>
              {nameOf(group)}
            </th>
            <Figures of={group} />
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-group="total">
          <th scope="row" data-label={groupLabel}>
            Total
          </th>
          <Figures of={report.total} />
        </tr>
      </tfoot>
    </table>
  );
}
