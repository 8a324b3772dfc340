/**
 * Invariant — ownership: what a user keeps stays valid. Every message from
 * `read()` (DataRows included), every frame and row batch read with
 * `owned: true`, still shows its own bytes after any number of later feeds;
 * and what is an opt-in fast-path view (frames and row batches without
 * `owned`, DataRows with `views: true`) throws `StaleViewError` once the
 * next feed came, or — with nothing in the buffer to read, like a DataRow
 * of no columns — still shows its own bytes: never someone else's.
 */
import fc from 'fast-check';
import { chunking, malformed, stream } from '../arbitraries/streams.js';
import type { Pg } from '../pg.js';
import { sawError } from '../observed.js';
import type { FuzzProperty } from './property.js';
import { decoderFor, standardFraming, type StreamCase } from './support.js';

/** What is kept: owned messages, DataRow views, frames, owned frames, row batches, owned row batches. */
export type Keep = 'messages' | 'views' | 'frames' | 'owned-frames' | 'rows' | 'owned-rows';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

interface Kept {
  /** Its bytes, read again. */
  bytes: () => Uint8Array;
  /** As read, at once. */
  was: string;
  /** Whether it is a view (stale after the next feed) or owned. */
  view: boolean;
  /** Feeds before it was read. */
  feedAt: number;
  what: string;
}

/** Throws unless everything `keep` kept from `c` is still itself, or says it is stale. */
export function checkOwnership(pg: Pg, c: StreamCase, keep: Keep): void {
  if (!standardFraming(pg, c) || (c.side === 'frontend' && (keep === 'rows' || keep === 'owned-rows'))) keep = 'messages';
  const d = decoderFor(pg, { ...c, owned: keep.startsWith('owned'), views: keep === 'views' });
  const kept: Kept[] = [];
  let feeds = 0;
  const take = (k: Omit<Kept, 'was' | 'feedAt'>) => kept.push({ ...k, was: hex(k.bytes()), feedAt: feeds });
  const pull = (): boolean => {
    if (keep === 'frames' || keep === 'owned-frames') {
      const f = d.readFrame();
      if (f !== null) take({ bytes: () => f.bytes, view: keep === 'frames', what: `frame '${String.fromCharCode(f.type)}'` });
      return f !== null;
    }
    if ((keep === 'rows' || keep === 'owned-rows') && 'readRowBatch' in d) {
      const b = d.readRowBatch();
      if (b !== null) return take({ bytes: () => b.frameBytes, view: keep === 'rows', what: `row batch of ${b.rowCount}` }), true;
    }
    const m = d.read();
    if (m !== null) take({ bytes: () => m.toWire(), view: keep === 'views' && m.type === 'DataRow', what: m.type });
    return m !== null;
  };
  try {
    for (const piece of c.cut.split(c.bytes)) {
      d.feed(piece);
      feeds++;
      while (pull());
    }
    d.feed(new Uint8Array(0)); // one more feed: even the last things read are then past a feed
    feeds++;
  } catch (e) {
    if (!(e instanceof pg.ProtocolError)) throw e;
    sawError(pg, e);
  }
  for (const k of kept) {
    const stale = k.view && feeds > k.feedAt;
    let now: string;
    try {
      now = hex(k.bytes());
    } catch (e) {
      sawError(pg, e);
      if (stale && e instanceof pg.StaleViewError) continue;
      throw e;
    }
    // A stale view that still answers must have had nothing in the buffer to read (a DataRow of no columns).
    if (now !== k.was) throw new Error(`a kept ${k.what} changed after later feeds:\n  was ${k.was.slice(0, 200)}\n  now ${now.slice(0, 200)}`);
  }
}

export const ownership: FuzzProperty = {
  name: 'ownership',
  invariant: 'what a user keeps stays valid across feeds; a view used after the next feed throws StaleViewError, never shows other bytes',
  property(pg) {
    const input = fc.oneof(stream({ pg }).map((s) => ({ side: s.side, phase: s.phase, bytes: s.bytes })), malformed({ pg }));
    const keep = fc.constantFrom<Keep>('messages', 'views', 'frames', 'owned-frames', 'rows', 'owned-rows');
    return fc.property(input, chunking(), keep, (s, cut, k) => checkOwnership(pg, { ...s, cut }, k)) as never;
  },
};
