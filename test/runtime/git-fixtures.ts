/**
 * @module test/runtime/git-fixtures
 * A bare repository with commits, and a smart-HTTP git server (git http-backend behind Basic
 * auth) to check that the access token reaches git through askpass only.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';

const identity = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', [...identity, ...args], { cwd, stdio: 'pipe' });
}

/** Creates `<root>/<name>.git` (branch `main`) with one commit adding `files`; returns a pusher for more. */
export function bareRepository(root: string, name: string, files: Record<string, string>) {
  const bare = join(root, `${name}.git`);
  const work = join(root, `${name}-work`);
  mkdirSync(root, { recursive: true });
  git(root, 'init', '--bare', '--initial-branch=main', bare);
  git(root, 'init', '--initial-branch=main', work);
  const commit = (more: Record<string, string>) => {
    for (const [file, content] of Object.entries(more)) writeFileSync(join(work, file), content);
    git(work, 'add', '.');
    git(work, 'commit', '-m', 'change');
    git(work, 'push', bare, 'main');
  };
  commit(files);
  return { bare, url: `file://${bare}`, commit };
}

export interface GitHttpServer {
  url: (name: string) => string;
  authorizations: (string | undefined)[];
  close: () => Promise<void>;
}

/** Serves the bare repositories under `root`, requiring Basic `oauth2:<token>`. */
export async function gitHttpServer(root: string, token: string): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`oauth2:${token}`).toString('base64')}`;
  const authorizations: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    cgi(root, req, (status, headers, body) => res.writeHead(status, headers).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}.git`,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function cgi(
  root: string,
  req: IncomingMessage,
  reply: (status: number, headers: Record<string, string>, body: Buffer) => void,
): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: 'oauth2',
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  req.pipe(child.stdin);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.on('close', () => {
    const output = Buffer.concat(chunks);
    const split = output.indexOf('\r\n\r\n');
    const head = output.subarray(0, split).toString('latin1');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else if (key) headers[key] = value;
    }
    reply(status, headers, output.subarray(split + 4));
  });
}
