/**
 * @module runtime/local/safe-paths
 * Maps user-supplied paths (`/bucket/dir/`, `/scripts/init.sh`) onto directories under a root
 * without ever leaving it: `..` is refused outright, and every existing component is resolved
 * with `realpath` before anything is created under it, so a symlink cannot redirect a `mkdir`
 * outside the root. Not proof against a concurrent attacker swapping components (TOCTOU); it
 * guards against hostile input and stray links.
 */
import { mkdir, realpath, stat } from 'node:fs/promises';
import { join, relative, isAbsolute, sep } from 'node:path';

export class PathEscapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathEscapeError';
  }
}

/** The components of `/a/b/` (an optional `scheme://` prefix is dropped); refuses `.`, `..`, NUL and backslashes. */
export function pathSegments(path: string): string[] {
  const bare = path.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '/');
  const segments = bare.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || /[\u0000\\]/.test(segment)) {
      throw new PathEscapeError(`The path ${JSON.stringify(path)} may not contain '.', '..' or control characters.`);
    }
  }
  return segments;
}

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Creates `root` if needed and returns its real path. */
export async function realRoot(root: string): Promise<string> {
  // Made private; in users mode the roots notebook accounts pass through are opened to 0711 (isolation/).
  await mkdir(root, { recursive: true, mode: 0o700 });
  return realpath(root);
}

/** Creates `<root>/<segments…>` one component at a time, checking each lands inside `root`; returns its real path. */
export async function ensureDirInside(root: string, segments: readonly string[]): Promise<string> {
  const base = await realRoot(root);
  let current = base;
  for (const segment of segments) {
    const next = join(current, segment);
    await mkdir(next).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    const real = await realpath(next);
    if (!isInside(base, real))
      throw new PathEscapeError(`The path component ${JSON.stringify(segment)} leads outside its root.`);
    if (!(await stat(real)).isDirectory())
      throw new PathEscapeError(`The path component ${JSON.stringify(segment)} is not a directory.`);
    current = real;
  }
  return current;
}

/** The real path of an existing file `<root>/<segments…>`, refused if it resolves outside `root`. */
export async function existingFileInside(root: string, segments: readonly string[]): Promise<string> {
  const base = await realpath(root);
  const real = await realpath(join(base, ...segments));
  if (!isInside(base, real))
    throw new PathEscapeError(`The path ${JSON.stringify(segments.join('/'))} leads outside its root.`);
  if (!(await stat(real)).isFile())
    throw new PathEscapeError(`The path ${JSON.stringify(segments.join('/'))} is not a file.`);
  return real;
}
