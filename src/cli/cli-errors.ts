/**
 * @module cli/cli-errors
 * The exit codes scripts rely on, the CLI's own failures, and the one function that turns any
 * thrown value into a message on stderr and an exit code — never a stack trace for expected
 * failures.
 */
import { CommanderError } from '@commander-js/extra-typings';
import { DemanagerApiError, DemanagerError, DemanagerNetworkError } from '../client/index.js';
import { escapeControlCharacters } from '../core/shared/control-characters.js';

export const EXIT = {
  ok: 0,
  /** The API answered with an error, or an instance ended in a failed status. */
  apiError: 1,
  usage: 2,
  /** No session, an expired one, or HTTP 401. */
  notLoggedIn: 3,
  unreachable: 4,
  interrupted: 130,
} as const;

/** Wrong or missing arguments that commander cannot check by itself. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class NotLoggedInError extends Error {
  override readonly name = 'NotLoggedInError';
}

/** An operation finished without an API error, but not as asked (failed status, timeout). */
export class OperationFailedError extends Error {
  override readonly name = 'OperationFailedError';
}

/** A user, project or instance named on the command line does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

const LOGIN_HINT = 'hint: run "demanager login --url <server> --user <name>" (or set DEMANAGER_TOKEN)';

/** Each line with its control characters escaped: an error message may quote what a server sent. */
function write(lines: string[]): void {
  process.stderr.write(lines.map((l) => `${escapeControlCharacters(l)}\n`).join(''));
}

/** Prints what went wrong and answers the exit code. */
export function reportError(error: unknown): number {
  // Commander has already printed its usage message (or the help/version text).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) {
    write([`error: ${error.message}`, 'Run with --help for usage.']);
    return EXIT.usage;
  }
  if (error instanceof NotLoggedInError) {
    write([`error: ${error.message}`, LOGIN_HINT]);
    return EXIT.notLoggedIn;
  }
  if (error instanceof DemanagerApiError) {
    write([`error: ${error.errorMsg} (${error.errorCode})`]);
    if (error.status === 401) {
      write([LOGIN_HINT]);
      return EXIT.notLoggedIn;
    }
    return EXIT.apiError;
  }
  if (error instanceof DemanagerNetworkError) {
    write([`error: ${error.message}`]);
    return EXIT.unreachable;
  }
  if (error instanceof InterruptedError) {
    write(['', 'interrupted']);
    return EXIT.interrupted;
  }
  if (error instanceof OperationFailedError || error instanceof NotFoundError || error instanceof DemanagerError) {
    write([`error: ${error.message}`]);
    return EXIT.apiError;
  }
  // A bug or an environment fault: say what it is; the stack only on request.
  const message = error instanceof Error ? error.message : String(error);
  write([`error: ${message}`]);
  if (process.env.DEMANAGER_DEBUG && error instanceof Error && error.stack) write(error.stack.split('\n'));
  return EXIT.apiError;
}
