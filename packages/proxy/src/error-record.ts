/**
 * What a session keeps to explain its end when a peer breaks the protocol:
 * the error, where each side stood, what was pending, the last frames each
 * way, and the bytes around the offending offset.
 */
import { PgcodecError, ProtocolError, StateMachineError } from 'pgcodec';

/** How many recent frames are kept, both directions together. */
const KEEP = 16;

/** The last frames forwarded, as type bytes, both directions interleaved in order. */
export class RecentFrames {
  private readonly types = new Uint16Array(KEEP);
  private n = 0;

  /** Records a frame: its direction and type byte. */
  add(from: 'client' | 'server', type: number): void {
    this.types[this.n++ % KEEP] = (from === 'client' ? 0x100 : 0) | type;
  }

  /** Oldest first, as 'client Q' / 'server Z'. */
  list(): string[] {
    const out: string[] = [];
    for (let i = Math.max(0, this.n - KEEP); i < this.n; i++) {
      const v = this.types[i % KEEP]!;
      out.push(`${v & 0x100 ? 'client' : 'server'} ${String.fromCharCode(v & 0xff)}`);
    }
    return out;
  }
}

/** Why a session ended on a protocol error, with context. */
export interface ErrorRecord {
  /** ISO time. */
  at: string;
  /** Whose bytes broke the protocol. */
  side: 'client' | 'server';
  /** The error's class name: a ProtocolError subclass (FramingError, StateMachineError, …), or another error's (a hook's). */
  kind: string;
  code: string;
  message: string;
  /** The message type and the stream offset (bytes from that side) where it happened, if known. */
  messageType: string | null;
  offset: number | null;
  /** Each side's phase when it happened. */
  phases: { client: string; server: string };
  /** Requests the client sent that the server had not yet answered, oldest first. */
  pendingRequests: readonly string[];
  /** The last frames forwarded, oldest first ('client Q', 'server Z'). */
  lastFrames: string[];
  /** Up to 32 bytes either side of the offset, hex, with the offset marked by '|' (from the last read only). */
  bytesAround: string;
}

/** What sessions expose to an error record. */
interface Sides {
  readonly toClient: { readonly phase: string };
  readonly toServer: { readonly phase: string; readonly pendingRequests: readonly string[] };
}

/**
 * The record for `e`, raised on `side`'s bytes (a ProtocolError; anything
 * else, e.g. a hook that threw, has code INTERNAL unless pgcodec gave one);
 * `readAt` is the stream offset of `read`, the last read from that side.
 */
export function errorRecord(e: unknown, side: 'client' | 'server', s: Sides, recent: RecentFrames, readAt: number, read: Uint8Array): ErrorRecord {
  const p = e instanceof ProtocolError ? e : null;
  const offset = p !== null && typeof p.offset === 'number' ? p.offset : null;
  return {
    at: new Date().toISOString(),
    side,
    kind: e instanceof StateMachineError ? 'StateMachineError' : e instanceof Error ? e.name : typeof e,
    code: e instanceof PgcodecError ? e.code : 'INTERNAL',
    message: e instanceof Error ? e.message : String(e),
    messageType: p?.messageType ?? null,
    offset,
    phases: { client: s.toClient.phase, server: s.toServer.phase },
    pendingRequests: [...s.toServer.pendingRequests],
    lastFrames: recent.list(),
    bytesAround: offset === null ? '' : around(read, offset - readAt),
  };
}

function around(b: Uint8Array, at: number): string {
  if (at < 0 || at > b.length) return '';
  const hex = (from: number, to: number) => Buffer.from(b.subarray(Math.max(0, from), Math.min(b.length, to))).toString('hex');
  return `${hex(at - 32, at)}|${hex(at, at + 32)}`;
}
