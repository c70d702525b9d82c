/**
 * @module runtime/local/log-file
 * The instance log. Children get an fd of it opened with O_APPEND instead of a pipe to the
 * service: a pipe would break when the service restarts (the notebook would die of SIGPIPE or
 * block on a full pipe), while a file fd keeps working with nobody reading it. The price is that
 * the driver cannot see the bytes go by, so it rotates by copy-truncate — at start and whenever
 * a poll finds the file too large. O_APPEND makes the child's next write land at the new end
 * after the truncate (no sparse file); lines written between the copy and the truncate are lost.
 */
import { copyFile, open, rename, rm, stat, truncate, appendFile, type FileHandle } from 'node:fs/promises';
import type { Clock } from '../../core/shared/clock.js';
import { redact } from './redact.js';

export interface RotationPolicy {
  maxBytes: number;
  /** Rotated generations kept: `notebook.log.1` (newest) … `notebook.log.<keep>`. */
  keep: number;
}

/** Opens the log for appending and returns its fd; close it once the child has it. */
export async function openForChild(file: string): Promise<{ fd: number; close: () => Promise<void> }> {
  const handle = await open(file, 'a', 0o600);
  return { fd: handle.fd, close: () => handle.close() };
}

/** Rotates by copy-truncate when the file exceeds the policy's size; true when it did. */
export async function rotateIfLarge(file: string, policy: RotationPolicy): Promise<boolean> {
  const size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  if (size <= policy.maxBytes) return false;
  if (policy.keep < 1) {
    await truncate(file, 0);
    return true;
  }
  await rm(`${file}.${policy.keep}`, { force: true });
  for (let generation = policy.keep - 1; generation >= 1; generation--) {
    await rename(`${file}.${generation}`, `${file}.${generation + 1}`).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
  await copyFile(file, `${file}.1`);
  await truncate(file, 0);
  return true;
}

/** Appends a line of the driver's own (`[demanager …]`), so the log tells what the service did. */
export async function note(file: string, clock: Clock, text: string): Promise<void> {
  await appendFile(file, `[demanager ${new Date(clock.now()).toISOString()}] ${text}\n`, { mode: 0o600 });
}

/** The last `lines` non-empty lines (from at most the last 64 KiB), secrets masked; [] when unreadable. */
export async function tail(
  file: string,
  lines: number,
  secrets: readonly (string | undefined)[] = [],
): Promise<string[]> {
  const window = 64 * 1024;
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, window);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = redact(buffer.toString('utf8'), secrets);
    return text
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '')
      .slice(-lines);
  } catch {
    return [];
  } finally {
    await handle?.close();
  }
}
