/**
 * @module runtime/local/isolation/contained-spawn
 * Starts a workload process as its notebook account and inside its control group, with no moment
 * in which it runs unplaced: the child is a tiny shell that waits on its stdin, the service moves
 * its pid into the group, and only then tells it to go, and it `exec`s the real program (same
 * pid, same process group). Placing a pid after a plain spawn would let whatever it forked in the
 * meantime run outside the limits. The account's umask is 007, so what it writes in its project's
 * shared storage stays readable and writable by the project's group and by nobody else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ControlGroup } from './control-groups.js';

export interface Containment {
  /** Run as this user and group; absent: as the service itself. */
  identity?: { uid: number; gid: number } | undefined;
  /** The control group to place the process in before it runs; absent: none. */
  group?: ControlGroup | undefined;
}

export interface ContainedSpawnOptions {
  cwd: string;
  env: Record<string, string>;
  /** Where stdout and stderr go: an fd, or 'pipe'. */
  output: number | 'pipe';
  containment: Containment;
}

const GO = 'go';

function gate(umask: boolean): string {
  // `$0` is the program and `$@` its arguments, so nothing is re-parsed by the shell.
  return `${umask ? 'umask 007; ' : ''}IFS= read -r go && [ "$go" = ${GO} ] || exit 125; exec "$0" "$@" </dev/null`;
}

/**
 * Spawns `file args…` detached (it leads a new process group). Resolves once the process runs the
 * program in its group; rejects when it cannot be spawned, or (having killed it) placed.
 */
export async function spawnContained(
  file: string,
  args: readonly string[],
  options: ContainedSpawnOptions,
): Promise<ChildProcess> {
  const { identity, group } = options.containment;
  const child =
    !identity && !group
      ? spawn(file, args, {
          cwd: options.cwd,
          env: options.env,
          detached: true,
          stdio: ['ignore', options.output, options.output],
        })
      : spawn('/bin/sh', ['-c', gate(identity !== undefined), file, ...args], {
          cwd: options.cwd,
          env: options.env,
          detached: true,
          stdio: ['pipe', options.output, options.output],
          ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
        });
  // A failed spawn has no pid and reports why on the next tick: listen now, or it is thrown.
  if (child.pid === undefined) throw await new Promise<Error>((resolve) => child.once('error', resolve));
  if (!identity && !group) return child;
  // The pipe breaks if the child died before reading; its exit is reported through the usual events.
  child.stdin!.on('error', () => {});
  try {
    await group?.place(child.pid);
  } catch (err) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    throw err;
  }
  child.stdin!.end(`${GO}\n`);
  return child;
}
