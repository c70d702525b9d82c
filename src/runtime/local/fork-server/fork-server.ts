/**
 * @module runtime/local/fork-server/fork-server
 * Starts notebook servers by forking a Python that has already imported Jupyter, instead of
 * booting one: most of a Jupyter start is imports, so a start (of a new instance or of a stopped
 * one, for any flavor) answers in a fraction of the time. One fork server runs per Jupyter install
 * and import environment, started on the first start that needs it (that start waits for it: it
 * costs about what the ordinary start it replaces would) and ended with the driver; the notebooks
 * it forked outlive it, as spawned ones outlive the service. The Python side
 * (`demanager_forkserver.py`) says what the child does before the notebook runs, and why that
 * keeps every boundary of an ordinary start: its control groups, its account, a marker the driver
 * finds it by, no descriptor of the fork server's, no secret of any other notebook. The
 * notebook's environment travels in a file only the child reads, never through the fork server.
 * Where no fork server can run (no /proc, a launcher that is not a Python script, a fork server
 * that failed), starts spawn the ordinary way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { constants } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../core/shared/logger.js';
import type { Containment } from '../isolation/contained-spawn.js';
import type { JupyterInstall } from '../jupyter-detection.js';
import { which } from '../jupyter-detection.js';

/** The Python side, resolved from the package root: the same from src/ and dist/. */
const SCRIPT = fileURLToPath(
  new URL('../../../../src/runtime/local/fork-server/demanager_forkserver.py', import.meta.url),
);

/** Variables the fork server's imports depend on: notebooks that set them alike share one. */
const IMPORT_ENV = /^(PATH|LANG|LC_[A-Z]+|PYTHON[A-Z]*)$/;

/** Room in the fork server's start command line and environment for those each child shows instead. */
const ARGUMENTS_ROOM = 8 * 1024;
const ENVIRONMENT_ROOM = 64 * 1024;

/** How long a fork server that would not start is not tried again. */
const RETRY_AFTER_MS = 60_000;

export interface ForkRequest {
  install: JupyterInstall;
  /** The arguments after the `jupyter` launcher (the subcommand first). */
  args: readonly string[];
  /** The notebook's whole environment, its token included: only the child reads it. */
  env: Record<string, string>;
  /** Where the environment is written for the child (removed by it, or by `fork` when it fails). */
  envFile: string;
  /**
   * Directories the server imports from before the rest (a server extension's): on its import
   * path, not in PYTHONPATH, which would make its imports differ from the fork server's.
   */
  importPath: readonly string[];
  cwd: string;
  logFile: string;
  containment: Containment;
}

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

export interface Forked {
  pid: number;
  /** Settles when the fork server reaps the child; never, if the fork server ends first. */
  exited: Promise<ExitStatus>;
}

interface Reply {
  id?: number;
  pid?: number;
  error?: string;
  ready?: number;
  exit?: number;
  code?: number | null;
  signal?: number | null;
}

/** One running fork server. */
class ForkServer {
  #nextId = 1;
  readonly #replies = new Map<number, { resolve: (forked: Forked) => void; reject: (err: Error) => void }>();
  readonly #exits = new Map<number, (status: ExitStatus) => void>();
  #gone: Error | null = null;
  /** Answers awaited: while there are any, the fork server keeps the service's event loop alive. */
  #awaited = 0;
  readonly ready: Promise<void>;
  /** Settles when the fork server's process has ended. */
  readonly ended: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    private readonly script: string,
    log: Logger,
  ) {
    let isReady: () => void;
    let failed: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      isReady = resolve;
      failed = reject;
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        return;
      }
      if (reply.ready !== undefined) isReady();
      else if (reply.exit !== undefined) {
        this.#exits.get(reply.exit)?.({ code: reply.code ?? null, signal: signalName(reply.signal) });
        this.#exits.delete(reply.exit);
      } else if (reply.id !== undefined) {
        const waiting = this.#replies.get(reply.id);
        this.#replies.delete(reply.id);
        // Listened for at once: the child's exit may be on the very next line.
        const pid = reply.pid;
        if (pid) waiting?.resolve({ pid, exited: new Promise((resolve) => this.#exits.set(pid, resolve)) });
        else waiting?.reject(new Error(reply.error ?? 'the fork failed'));
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) =>
      log.warn({ forkServer: child.pid, line }, 'fork server said'),
    );
    let hasEnded: () => void;
    this.ended = new Promise<void>((resolve) => (hasEnded = resolve));
    const end = (err: Error) => {
      hasEnded();
      this.#gone ??= err;
      failed(err);
      for (const waiting of this.#replies.values()) waiting.reject(err);
      this.#replies.clear();
    };
    child.once('error', end);
    child.once('exit', (code, signal) => end(new Error(`the fork server ended (${signal ?? code})`)));
    // A broken pipe shows as the exit above.
    child.stdin!.on('error', () => {});
    this.#hold(this.ready);
  }

  /** Keeps the event loop alive until `answer` settles; idle, a fork server never does. */
  #hold(answer: Promise<unknown>): void {
    if (this.#awaited++ === 0) this.#keepAlive(true);
    const release = () => {
      if (--this.#awaited === 0) this.#keepAlive(false);
    };
    answer.then(release, release);
  }

  #keepAlive(on: boolean): void {
    for (const handle of [this.child, this.child.stdout, this.child.stderr, this.child.stdin])
      (handle as unknown as { ref?: () => void; unref?: () => void } | null)?.[on ? 'ref' : 'unref']?.();
  }

  get alive(): boolean {
    return this.#gone === null;
  }

  async fork(request: ForkRequest): Promise<Forked> {
    if (this.#gone) throw this.#gone;
    const { identity, group } = request.containment;
    const file = await open(request.envFile, 'wx', 0o600);
    try {
      await file.writeFile(JSON.stringify(request.env));
    } finally {
      await file.close();
    }
    const id = this.#nextId++;
    const line = {
      id,
      executable: request.install.executable,
      script: this.script,
      argv: request.args,
      envFile: request.envFile,
      importPath: request.importPath,
      log: request.logFile,
      cwd: request.cwd,
      groups: group?.dirs ?? [],
      ...(identity ? { uid: identity.uid, gid: identity.gid, umask: true } : {}),
    };
    try {
      const forked = new Promise<Forked>((resolve, reject) => {
        this.#replies.set(id, { resolve, reject });
        this.child.stdin!.write(`${JSON.stringify(line)}\n`);
      });
      this.#hold(forked);
      return await forked;
    } catch (err) {
      await rm(request.envFile, { force: true });
      throw err;
    }
  }

  close(): void {
    this.child.stdin!.end();
  }
}

/** The fork servers of one driver, by Jupyter install and import environment. */
export class ForkServers {
  readonly #servers = new Map<string, { server: Promise<ForkServer | null>; until: number }>();
  #closed = false;

  constructor(private readonly options: { log: Logger; readyTimeoutMs: number }) {}

  /**
   * Forks a notebook server for `request`, or returns null where no fork server can (the caller
   * spawns it the ordinary way).
   */
  async fork(request: ForkRequest): Promise<Forked | null> {
    const server = await this.#serverFor(request.install, request.env);
    if (!server?.alive) return null;
    return server.fork(request);
  }

  /** Starts the fork server a notebook of `install` with `env` would be forked from, if none runs. */
  prepare(install: JupyterInstall, env: Record<string, string>): void {
    void this.#serverFor(install, env);
  }

  /** Ends the fork servers (the notebooks they forked keep running). */
  close(): void {
    this.#closed = true;
    for (const { server } of this.#servers.values()) void server.then((s) => s?.close());
    this.#servers.clear();
  }

  #serverFor(install: JupyterInstall, env: Record<string, string>): Promise<ForkServer | null> {
    if (this.#closed || process.platform !== 'linux') return Promise.resolve(null);
    const importEnv = Object.fromEntries(
      Object.entries(env)
        .filter(([name]) => IMPORT_ENV.test(name))
        .sort(),
    );
    const key = JSON.stringify([install.executable, install.subcommand, importEnv]);
    const known = this.#servers.get(key);
    if (known && known.until > Date.now()) return known.server;
    const server = this.#start(install, importEnv).catch((err: unknown) => {
      this.options.log.warn(
        { err, executable: install.executable },
        'no fork server: notebooks start the ordinary way',
      );
      return null;
    });
    this.#servers.set(key, { server, until: Infinity });
    void server.then((started) => {
      // None: not tried again for a while. One that ends is started again by the next start.
      if (!started) this.#servers.set(key, { server, until: Date.now() + RETRY_AFTER_MS });
      else
        void started.ended.then(() => {
          if (this.#servers.get(key)?.server === server) this.#servers.delete(key);
        });
    });
    return server;
  }

  async #start(install: JupyterInstall, importEnv: Record<string, string>): Promise<ForkServer | null> {
    const script = await subcommandScript(install, importEnv.PATH ?? '');
    const python = script && (await interpreterOf(script, importEnv.PATH ?? ''));
    if (!script || !python) return null;
    const child = spawn(python, [SCRIPT, install.subcommand, ' '.repeat(ARGUMENTS_ROOM)], {
      env: {
        ...importEnv,
        PYTHONNOUSERSITE: importEnv.PYTHONNOUSERSITE ?? '1',
        PYTHONDONTWRITEBYTECODE: '1',
        // Its imports warn of the debugger's frozen modules otherwise; a notebook has its own environment.
        PYDEVD_DISABLE_FILE_VALIDATION: '1',
        DEMANAGER_ROOM: ' '.repeat(ENVIRONMENT_ROOM),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const server = new ForkServer(child, script, this.options.log);
    const timer = setTimeout(() => child.kill('SIGKILL'), this.options.readyTimeoutMs);
    try {
      await server.ready;
    } finally {
      clearTimeout(timer);
    }
    this.options.log.info(
      { forkServer: child.pid, python, script },
      'fork server ready: notebooks start without importing Jupyter',
    );
    return server;
  }
}

/** `jupyter-<subcommand>`, where `jupyter <subcommand>` finds it: beside the launcher, then on PATH. */
async function subcommandScript(install: JupyterInstall, path: string): Promise<string | null> {
  const name = `jupyter-${install.subcommand}`;
  const beside = join(dirname(install.executable), name);
  return existsSync(beside) ? beside : which(name, path);
}

/** The Python a script's `#!` line runs (`/path/python…` or `/usr/bin/env python…`), or null. */
async function interpreterOf(script: string, path: string): Promise<string | null> {
  const head = await readFile(script, 'latin1').then(
    (text) => text.slice(0, 512).split('\n')[0] ?? '',
    () => '',
  );
  if (!head.startsWith('#!')) return null;
  const words = head.slice(2).trim().split(/\s+/);
  const program =
    words[0] === '/usr/bin/env' ? await which(words[1] ?? '', path) : words.length === 1 ? words[0]! : null;
  return program && /^python[0-9.]*$/.test(basename(program)) ? program : null;
}

function signalName(signal: number | null | undefined): string | null {
  if (!signal) return null;
  return Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] ?? String(signal);
}
