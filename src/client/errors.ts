/**
 * @module client/errors
 * What the client throws: an API error answered by the server, a server that cannot be reached,
 * or an answer that is not what the API promises. All share {@link DemanagerError}.
 */

export class DemanagerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemanagerError';
  }
}

/** The server answered with an error body (`{error_code, error_msg, error_message}`). */
export class DemanagerApiError extends DemanagerError {
  readonly status: number;
  readonly errorCode: string;
  readonly errorMsg: string;
  readonly method: string;
  readonly url: string;

  constructor(init: { status: number; errorCode: string; errorMsg: string; method: string; url: string }) {
    super(`${init.errorMsg} (${init.errorCode})`);
    this.name = 'DemanagerApiError';
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.errorMsg = init.errorMsg;
    this.method = init.method;
    this.url = init.url;
  }
}

/** No answer at all: refused connection, DNS failure, TLS failure, timeout. */
export class DemanagerNetworkError extends DemanagerError {
  readonly url: string;

  constructor(url: string, reason: string, cause?: unknown) {
    super(`cannot reach ${url}: ${reason}`, { cause });
    this.name = 'DemanagerNetworkError';
    this.url = url;
  }
}

/** An answer that does not follow the API (not JSON, a missing header or field). */
export class DemanagerResponseError extends DemanagerError {
  readonly url: string;

  constructor(url: string, problem: string) {
    super(`unexpected answer from ${url}: ${problem}`);
    this.name = 'DemanagerResponseError';
    this.url = url;
  }
}

/** The error is the server saying "who are you?": no, unknown or expired token. */
export function isUnauthorized(error: unknown): error is DemanagerApiError {
  return error instanceof DemanagerApiError && error.status === 401;
}

/** The instance does not exist (clients map 400 + ModelArts.6309, and a bare 404, to this). */
export function isNotFound(error: unknown): error is DemanagerApiError {
  return error instanceof DemanagerApiError && (error.errorCode === 'ModelArts.6309' || error.status === 404);
}
