/**
 * @module runtime/local/notebook-quit
 * Tells a notebook server that ended because its user chose Quit in Jupyter (which posts
 * `/api/shutdown`) from one that failed: notebook 6 and jupyter_server alike log this line before
 * they stop, and then exit cleanly. Such an end is a stop the user asked for, not a fault.
 */

const QUIT_LINE = 'Shutting down on /api/shutdown request.';

/**
 * Whether the server's last log lines show it quit on request and it did not exit with an error
 * (`code` is null when the exit was not seen, as after the service restarted).
 */
export function quitOnRequest(code: number | null, lastLines: readonly string[]): boolean {
  return (code === null || code === 0) && lastLines.some((line) => line.endsWith(QUIT_LINE));
}
