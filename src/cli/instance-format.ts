/**
 * @module cli/instance-format
 * Instances for people: the list table (id, name, status, flavor, created, auto-stop remaining)
 * and the detail block of `show`.
 */
import type { Instance } from '../client/index.js';
import { formatDuration, formatTime, printFields, printTable } from './output.js';

/** Remaining time while running, `off` when disabled, `-` when it is on but not counting. */
export function autoStopText(instance: Instance): string {
  const autoStop = instance.spec.auto_stop;
  if (!autoStop.enable) return 'off';
  if (autoStop.remain_time !== null) return formatDuration(autoStop.remain_time);
  return '-';
}

export function printInstanceTable(instances: readonly Instance[]): void {
  printTable(
    ['ID', 'NAME', 'STATUS', 'FLAVOR', 'CREATED', 'AUTO-STOP'],
    instances.map((i) => [i.id, i.name, i.status, i.flavor, formatTime(i.creation_timestamp), autoStopText(i)]),
  );
}

function storageText(instance: Instance): string {
  const { type, location } = instance.spec.storage;
  const where = [
    location.path,
    location.volume_size !== null ? `${location.volume_size} GB` : null,
    location.mount_path ? `at ${location.mount_path}` : null,
  ];
  return [type, ...where.filter((w): w is string => !!w)].join(' ');
}

function autoStopDetail(instance: Instance): string {
  const autoStop = instance.spec.auto_stop;
  if (!autoStop.enable) return 'off';
  const base = `on, after ${formatDuration(autoStop.duration)}`;
  return autoStop.remain_time === null
    ? base
    : `${base}, ${formatDuration(autoStop.remain_time)} left (at ${formatTime(autoStop.stop_timestamp)})`;
}

export function printInstanceDetail(instance: Instance): void {
  const fields: [string, string][] = [
    ['id', instance.id],
    ['name', instance.name],
    ['description', instance.description],
    ['status', instance.status],
    ['profile', instance.profile.id],
    ['flavor', `${instance.flavor} (${instance.flavor_details.type})`],
    ['storage', storageText(instance)],
    ['auto-stop', autoStopDetail(instance)],
    ['url', instance.spec.annotations.url || '-'],
    ['owner', instance.user.name],
    ['workspace', instance.workspace.id],
    ['ai project', instance.ai_project.id],
    ['created', formatTime(instance.creation_timestamp)],
    ['updated', formatTime(instance.latest_update_timestamp)],
  ];
  if (instance.pool) fields.push(['pool', instance.pool.name || instance.pool.id]);
  const reason = instance.spec.failed_reasons;
  if (reason) fields.push(['failed', `${reason.message} (${reason.code})`]);
  printFields(fields);
}
