/**
 * @module runtime/local/git-clone
 * Clones the instance's repository into its storage on the first start. The access token never
 * reaches a command line, a URL or the log: git asks for credentials through GIT_ASKPASS, a
 * script with no secret in it that echoes variables only git's own environment holds. The clone
 * goes to a temporary directory renamed into place on success, so an interrupted clone is not
 * mistaken for a finished one on the next start. git, the rename and the clean-up run contained
 * like the notebook (its account, its control group): the storage is the notebook's to write.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, chown, lstat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepositoryHosts } from '../../core/instances/repository-hosts.js';
import { maskedRepositoryUrl } from '../../core/instances/repository-url.js';
import { WorkloadError } from '../../core/ports/runtime.js';
import type { Containment } from './isolation/contained-spawn.js';
import { redact } from '../redact.js';
import { runToExit } from './run-to-exit.js';

export interface CloneRequest {
  url: string;
  branch?: string | undefined;
  /** Opens the access token, if any; called only when a clone is needed. */
  token: () => string | undefined;
  userName?: string | undefined;
  userEmail?: string | undefined;
  storageDir: string;
  /** Asked just before git runs: the host's addresses may have changed since the create. */
  hosts: RepositoryHosts;
  askpassPath: string;
  env: Record<string, string>;
  logFile: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called just before git runs (not when the clone is skipped), e.g. to note it in the log. */
  onStart?: () => Promise<void>;
  /** The notebook's account and control group; default: the service's, none. */
  containment?: Containment;
}

const ASKPASS = `#!/bin/sh
# Written by demanager: answers git's credential prompts from its environment.
case "$1" in
  Username*) printf '%s\\n' "$DEMANAGER_GIT_USERNAME" ;;
  *) printf '%s\\n' "$DEMANAGER_GIT_PASSWORD" ;;
esac
`;

/** The directory name git would choose: the last URL path component without `.git`. */
export function cloneTargetName(url: string): string {
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const name = (path.split(/[/:]/).pop() ?? '').replace(/\.git$/, '');
  return /^[A-Za-z0-9._-]+$/.test(name) && name !== '.' && name !== '..' ? name : 'repository';
}

/** Clones unless `<storage>/<name>` already exists; returns which happened. */
export async function cloneRepository(request: CloneRequest): Promise<'cloned' | 'exists'> {
  const target = join(request.storageDir, cloneTargetName(request.url));
  if (await exists(target)) return 'exists';
  await request.onStart?.();
  const refusal = await request.hosts.refusal(request.url, 'refuse');
  if (refusal)
    throw new WorkloadError(
      `The repository ${maskedRepositoryUrl(request.url)} was not cloned: ${refusal}.`,
      'ModelArts.6361',
      { phase: 'repository' },
    );
  const token = request.token();
  const staging = join(request.storageDir, `.demanager-clone-${randomBytes(4).toString('hex')}`);
  const env: Record<string, string> = {
    ...request.env,
    GIT_TERMINAL_PROMPT: '0',
    // An empty helper list: no system credential helper may store the token.
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
    // A redirect would lead git to a host nobody checked (a permitted server answering 302 to
    // 169.254.169.254): the address given is the address cloned.
    GIT_CONFIG_KEY_1: 'http.followRedirects',
    GIT_CONFIG_VALUE_1: 'false',
  };
  if (token) {
    await writeFile(request.askpassPath, ASKPASS, { mode: 0o700 });
    await chmod(request.askpassPath, 0o700);
    const identity = request.containment?.identity;
    if (identity) await chown(request.askpassPath, identity.uid, identity.gid);
    // Forges accept a token as the password with any user name (GitLab wants `oauth2`).
    Object.assign(env, {
      GIT_ASKPASS: request.askpassPath,
      DEMANAGER_GIT_USERNAME: 'oauth2',
      DEMANAGER_GIT_PASSWORD: token,
    });
  }
  const args = ['clone', '--depth', '1'];
  if (request.branch) args.push(`--branch=${request.branch}`);
  if (request.userName) args.push(`--config=user.name=${request.userName}`);
  if (request.userEmail) args.push(`--config=user.email=${request.userEmail}`);
  args.push('--', request.url, staging);
  const shownUrl = maskedRepositoryUrl(request.url);
  const secrets = [token, safePassword(request.url)];
  const contained = {
    cwd: request.storageDir,
    output: 'capture' as const,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    ...(request.containment ? { containment: request.containment } : {}),
  };
  try {
    const result = await runToExit('git', args, { ...contained, env });
    const output = redact(result.output, secrets);
    await appendFile(request.logFile, output);
    if (result.timedOut || result.code !== 0) {
      const tailLines = output.split('\n').filter(Boolean).slice(-10).join('\n');
      const why = result.timedOut
        ? `timed out after ${Math.round(request.timeoutMs / 1000)} s`
        : `failed (exit ${result.code ?? result.signal})`;
      throw new WorkloadError(`Cloning the repository ${shownUrl} ${why}: ${tailLines}`, 'ModelArts.6361', {
        phase: 'repository',
        output: tailLines,
      });
    }
    const moved = await runToExit('mv', ['-T', '--', staging, target], { ...contained, env: request.env });
    if (moved.code !== 0)
      throw new WorkloadError(`Cloning the repository ${shownUrl} failed: ${moved.output.trim()}`, 'ModelArts.6361', {
        phase: 'repository',
      });
    return 'cloned';
  } catch (err) {
    if (!(err instanceof WorkloadError) && !request.signal.aborted) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const failure = new WorkloadError(`Cloning the repository ${shownUrl} failed (${code}).`, 'ModelArts.6361', {
        phase: 'repository',
      });
      failure.cause = err;
      throw failure;
    }
    throw err;
  } finally {
    await runToExit('rm', ['-rf', '--', staging], {
      ...contained,
      signal: new AbortController().signal,
      env: request.env,
    });
  }
}

function safePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
