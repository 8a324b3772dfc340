/**
 * Where a CancelRequest goes. A client cancels on a connection of its own,
 * naming the key its session got in BackendKeyData:
 *
 *   CancelRequest  Int32 length | Int32 80877102 | Int32 process ID | secret key
 *                  (4 bytes in protocol 3.0; up to 256 in 3.2)
 *
 * The proxy forwards BackendKeyData unchanged, so the client holds the
 * server's own key: routing is finding which upstream gave it out. Unknown
 * keys are dropped without a word, as PostgreSQL does (processCancelRequest
 * in postmaster.c answers nothing either way).
 */
import { connect } from 'node:net';
import type { CancelRequest } from 'pgcodec';

/** An upstream PostgreSQL server: where a session's connection went. */
export interface Upstream {
  host: string;
  port: number;
}

/** The cancel keys of live sessions, by the upstream that issued them. */
export class CancelRegistry {
  private readonly keys = new Map<string, Upstream>();

  /** Records the key a session's server gave it (BackendKeyData). */
  add(processId: number, secretKey: Uint8Array, upstream: Upstream): string {
    const k = keyOf(processId, secretKey);
    this.keys.set(k, upstream);
    return k;
  }

  /** Forgets a key (its session ended). */
  delete(key: string): void {
    this.keys.delete(key);
  }

  /** Keys held now. */
  get size(): number {
    return this.keys.size;
  }

  /** The upstream a cancel with this key must go to, if a live session holds it. */
  route(req: CancelRequest): Upstream | undefined {
    return this.keys.get(keyOf(req.processId, req.secretKey));
  }

  /**
   * Sends the request's own bytes to the upstream that issued its key, on a
   * connection of its own, and closes it (the server answers nothing).
   * Resolves true once sent, false for an unknown key or an unreachable server.
   */
  forward(req: CancelRequest, bytes: Uint8Array): Promise<boolean> {
    const to = this.route(req);
    if (to === undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const s = connect(to.port, to.host);
      s.on('connect', () => s.end(bytes));
      s.on('error', () => resolve(false));
      s.on('close', (hadError) => resolve(!hadError));
      s.setTimeout(10_000, () => s.destroy());
    });
  }
}

function keyOf(processId: number, secretKey: Uint8Array): string {
  return `${processId >>> 0}:${Buffer.from(secretKey.buffer, secretKey.byteOffset, secretKey.byteLength).toString('hex')}`;
}
