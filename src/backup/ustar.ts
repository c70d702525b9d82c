/**
 * @module backup/ustar
 * A plain POSIX ustar archive of regular files, written and read whole in memory: what a backup
 * needs, readable by any `tar`. The reader is strict (magic, header checksum, sizes, regular files
 * only), so a damaged or foreign file is refused rather than half-read.
 */

const BLOCK = 512;
const MAGIC = 'ustar\0';

export interface TarEntry {
  /** A plain file name (at most 100 bytes, no directory). */
  name: string;
  data: Buffer;
  /** Permission bits recorded for the file. Default 0o600. */
  mode?: number;
  /** Seconds since the epoch. Default 0. */
  mtime?: number;
}

/** The archive could not be read as a ustar archive of regular files. */
export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

function putString(header: Buffer, offset: number, length: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > length) throw new RangeError(`"${text}" does not fit a ${length}-byte tar header field`);
  bytes.copy(header, offset);
}

/** Octal digits, zero-padded, then a NUL: the numeric fields' format. */
function putOctal(header: Buffer, offset: number, length: number, value: number): void {
  putString(header, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function checksumOf(header: Buffer): number {
  let sum = 0;
  // The checksum field itself counts as eight spaces.
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

function headerOf(entry: TarEntry): Buffer {
  if (entry.name === '' || entry.name.includes('/'))
    throw new RangeError(`tar entry name "${entry.name}" must be a plain file name`);
  const header = Buffer.alloc(BLOCK);
  putString(header, 0, 100, entry.name);
  putOctal(header, 100, 8, entry.mode ?? 0o600);
  putOctal(header, 108, 8, 0);
  putOctal(header, 116, 8, 0);
  putOctal(header, 124, 12, entry.data.length);
  putOctal(header, 136, 12, Math.floor(entry.mtime ?? 0));
  header[156] = 0x30; // '0': a regular file
  putString(header, 257, 6, MAGIC);
  putString(header, 263, 2, '00');
  putString(header, 148, 8, checksumOf(header).toString(8).padStart(6, '0') + '\0 ');
  return header;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) parts.push(headerOf(entry), entry.data, padding(entry.data.length));
  // Two zero blocks end the archive.
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function readOctal(header: Buffer, offset: number, length: number, what: string): number {
  const text = header
    .subarray(offset, offset + length)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`bad ${what} field in a tar header`);
  return parseInt(text, 8);
}

function readString(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** Every file of a ustar archive, in order; throws {@link TarFormatError} for anything else. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > archive.length)
      throw new TarFormatError('the archive ends before its end marker (truncated?)');
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return entries;
    if (header.subarray(257, 263).toString('latin1') !== MAGIC) throw new TarFormatError('not a ustar archive');
    if (readOctal(header, 148, 8, 'checksum') !== checksumOf(header))
      throw new TarFormatError('a tar header is damaged (its checksum does not match)');
    const type = header[156];
    if (type !== 0x30 && type !== 0) throw new TarFormatError('the archive holds something other than regular files');
    const prefix = readString(header, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + readString(header, 0, 100);
    const size = readOctal(header, 124, 12, 'size');
    const start = offset + BLOCK;
    if (start + size > archive.length) throw new TarFormatError(`"${name}" is cut short (truncated archive?)`);
    entries.push({
      name,
      data: archive.subarray(start, start + size),
      mode: readOctal(header, 100, 8, 'mode'),
      mtime: readOctal(header, 136, 12, 'mtime'),
    });
    offset = start + size + padding(size).length;
  }
}
