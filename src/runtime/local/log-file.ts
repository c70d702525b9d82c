/**
 * @module runtime/local/log-file
 * The instance log. Children get an fd of it opened with O_APPEND instead of a pipe to the
 * service: a pipe would break when the service restarts (the notebook would die of SIGPIPE or
 * block on a full pipe), while a file fd keeps working with nobody reading it. The price is that
 * the driver cannot see the bytes go by, so it rotates by copy-truncate — at start and whenever
 * a poll finds the file too large. O_APPEND makes the child's next write land at the new end
 * after the truncate (no sparse file); lines written between the copy and the truncate are lost.
 */
import { constants } from 'node:fs';
import { copyFile, open, rename, rm, stat, truncate, appendFile, type FileHandle } from 'node:fs/promises';
import type { Clock } from '../../core/shared/clock.js';
import { redact } from '../redact.js';

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

/** How much of the log one read goes through backwards, at most: a log of one endless line costs no more. */
const MAX_READ_BYTES = 4 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** Longer lines (a progress bar redrawn with \r, a dumped array) are cut here. */
const MAX_LINE_CHARS = 8 * 1024;

/**
 * The last `count` lines of the log, read backwards from its end in chunks, so a large log costs
 * only its tail; secrets masked. `truncated` says earlier lines exist (before the part read, or
 * in a rotated generation). Null when the file does not exist. A link is refused (ELOOP), never
 * followed, although a notebook cannot plant one in its log directory.
 */
export async function lastLines(
  file: string,
  count: number,
  secrets: readonly (string | undefined)[] = [],
): Promise<{ lines: string[]; truncated: boolean } | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const chunks: Buffer[] = [];
    let position = size;
    let newlines = 0;
    // count + 1 line ends: the one before the first wanted line proves that line is whole.
    while (position > 0 && newlines <= count && size - position < MAX_READ_BYTES) {
      const length = Math.min(CHUNK_BYTES, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      chunks.unshift(chunk);
      for (const byte of chunk) if (byte === 0x0a) newlines++;
    }
    const all = redact(Buffer.concat(chunks).toString('utf8'), secrets).split('\n');
    if (all.at(-1) === '') all.pop();
    // Read from the middle of the file: the first piece is the end of a line whose start was not
    // read. Dropped, unless it is all there is (one endless line): then its end is shown, marked cut.
    const partial = position > 0 ? all.shift() : undefined;
    if (partial && all.length === 0) all.push(`…${partial.slice(1 - MAX_LINE_CHARS)}`);
    const earlier = position > 0 || all.length > count || (await exists(`${file}.1`));
    return {
      lines: all.slice(-count).map((line) => {
        const bare = line.replace(/\r+$/, '');
        return bare.length > MAX_LINE_CHARS ? `${bare.slice(0, MAX_LINE_CHARS)}…` : bare;
      }),
      truncated: earlier,
    };
  } finally {
    await handle.close();
  }
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** The last `lines` non-empty lines, secrets masked; [] when unreadable (for failure messages). */
export async function tail(
  file: string,
  lines: number,
  secrets: readonly (string | undefined)[] = [],
): Promise<string[]> {
  // Blank lines are dropped afterwards: read a few more so that `lines` are usually left.
  const read = await lastLines(file, lines * 4, secrets).catch(() => null);
  if (!read) return [];
  return read.lines
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-lines);
}
