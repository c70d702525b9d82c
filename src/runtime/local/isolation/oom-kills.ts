/**
 * @module runtime/local/isolation/oom-kills
 * Out-of-memory kills in an instance's control group that its owner has not been told of yet. The
 * group's counter only grows; the count already told is kept in the instance's directory (the
 * service's, not the notebook's), so a restarted service neither repeats nor loses one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { WorkloadNotice } from '../../../core/ports/runtime.js';
import type { ControlGroup } from './control-groups.js';

async function told(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '0');
  return Number.parseInt(text, 10) || 0;
}

/** New kills since the last call (or since {@link startCounting}), now counted as told. */
export async function newOomKills(group: ControlGroup, file: string): Promise<number> {
  const oomKills = await group.oomKills();
  const before = await told(file);
  if (oomKills <= before) return 0;
  await writeFile(file, String(oomKills), { mode: 0o600 });
  return oomKills - before;
}

/** A new run starts counting from the group's counter as it is now. */
export async function startCounting(group: ControlGroup, file: string): Promise<void> {
  await writeFile(file, String(await group.oomKills()), { mode: 0o600 });
}

/** The history entry for kills since last told ("<what>: out of memory, limit 8 GiB"), or none. */
export async function oomNotice(
  group: ControlGroup,
  file: string,
  limit: string | null,
  what: string,
): Promise<WorkloadNotice | undefined> {
  const kills = await newOomKills(group, file);
  if (kills === 0) return undefined;
  const times = kills > 1 ? ` (${kills} times)` : '';
  return { kind: 'out-of-memory', message: `${what}${times}: out of memory${limit ? `, limit ${limit}` : ''}` };
}
