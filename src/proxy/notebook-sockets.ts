/**
 * @module proxy/notebook-sockets
 * The notebook WebSockets open through this proxy (kernels, terminals), each with the instance and
 * the user whose token or cookie admitted it. An open socket is never checked again by the
 * request path, so when the identity revision moves (core/changes/identity-watch) each socket
 * admitted under an older revision is checked again, and those whose user may no longer open the
 * notebook are closed with {@link ACCESS_WITHDRAWN}, which the browser's client sees as the reason.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** A code of the range left to applications (4000–4999), read as HTTP's 403. */
export const ACCESS_WITHDRAWN = { code: 4403, reason: 'access to this notebook was withdrawn' } as const;

interface OpenSocket {
  instanceId: string;
  userId: string;
  /** The identity revision under which the user was last found allowed. */
  revision: number;
  /** Null until the upstream connection opens and the proxy links the two. */
  ws: WebSocket | null;
  /** Its user lost access before it was linked: it is closed as soon as it is. */
  withdrawn: boolean;
}

/** Whether `userId` may still open `instanceId`'s notebook, and as of which identity revision. */
export type StillAllowed = (instanceId: string, userId: string) => Promise<{ allowed: boolean; revision: number }>;

export class NotebookSockets {
  /** Keyed by the upgraded connection, the one thing both the request and the WebSocket reach. */
  readonly #open = new Map<Duplex, OpenSocket>();

  constructor(private readonly stillAllowed: StillAllowed) {}

  get size(): number {
    return this.#open.size;
  }

  /** An upgrade the proxy let through for `userId` under `revision`; forgotten once its connection closes. */
  admitted(connection: Duplex, instanceId: string, userId: string, revision: number): void {
    this.#open.set(connection, { instanceId, userId, revision, ws: null, withdrawn: false });
    connection.once('close', () => this.#open.delete(connection));
  }

  /** The WebSocket an admitted upgrade became, from the proxy's hook once its upstream is open. */
  opened(ws: WebSocket): void {
    // `_socket` is ws's own name for the connection it took over from the upgrade.
    const entry = this.#open.get((ws as unknown as { _socket: Duplex })._socket);
    if (!entry) return;
    entry.ws = ws;
    if (entry.withdrawn) close(entry);
  }

  /** Checks again the sockets admitted before `revision`, and closes those of users who lost access. */
  async recheck(revision: number): Promise<void> {
    const stale = new Map<string, OpenSocket[]>();
    for (const socket of this.#open.values()) {
      if (socket.revision === revision || socket.withdrawn) continue;
      const key = `${socket.instanceId}\0${socket.userId}`;
      stale.set(key, [...(stale.get(key) ?? []), socket]);
    }
    for (const group of stale.values()) {
      const { instanceId, userId } = group[0]!;
      const verdict = await this.stillAllowed(instanceId, userId);
      for (const socket of group) {
        if (verdict.allowed) socket.revision = verdict.revision;
        else close(socket);
      }
    }
  }
}

/**
 * Closes the socket with the reason; one not yet linked (its upstream still connecting, which
 * Jupyter holds until the kernel answers) is closed the moment it is, so the client still gets a
 * close frame with the reason rather than a cut connection.
 */
function close(socket: OpenSocket): void {
  socket.withdrawn = true;
  socket.ws?.close(ACCESS_WITHDRAWN.code, ACCESS_WITHDRAWN.reason);
}
