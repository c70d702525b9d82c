/**
 * @module test/support/proc-stat
 * What tests read of a process in `/proc/<pid>/stat`, synchronously (the account sweep reads it in
 * an exit handler): its parent and its start time, which tells a reused pid apart.
 */
import { readFileSync } from 'node:fs';

export interface ProcStat {
  ppid: number;
  /** Clock ticks from boot to the process's start. */
  started: string;
}

/** The process's stat fields, or null when it is gone. */
export function procStat(pid: number): ProcStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), started: fields[19]! };
}
