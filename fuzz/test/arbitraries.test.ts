/**
 * The arbitraries reach what they promise: every message class of both
 * sides, every auth method and exchange of a conversation, every mutation,
 * and chunkings both whole and byte by byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as pg from 'pgcodec';
import { backendMessage, chunking, conversation, frontendMessage, malformed, messageCases, stream } from '../src/index.js';

const SEED = 0x5eed;
const sample = <T>(a: fc.Arbitrary<T>, n: number) => fc.sample(a, { numRuns: n, seed: SEED });

describe('arbitraries', () => {
  it('frontendMessage() and backendMessage() reach every message class', { timeout: 60_000 }, () => {
    const cases = messageCases(pg);
    const want = (side: string) => Object.keys(cases).filter((t) => cases[t]!.side === side).sort();
    const seen = (a: fc.Arbitrary<pg.PgMessage>) => [...new Set(sample(a, 3000).map((m) => m.type))].sort();
    expect(seen(frontendMessage({ pg }))).toEqual(want('frontend'));
    expect(seen(backendMessage({ pg }))).toEqual(want('backend'));
    // Every message class pgcodec exports is covered (the bases others extend are not messages).
    const bases = [pg.FrontendMessage, pg.BackendMessage, pg.CommonMessage, pg.SpecialMessage] as unknown as (new () => unknown)[];
    const classes = (Object.values(pg) as unknown[]).filter((v): v is new () => unknown => typeof v === 'function' && bases.some((b) => v.prototype instanceof b));
    const leaves = classes.filter((c) => !classes.some((d) => d.prototype instanceof c)).map((c) => c.name);
    expect(leaves.length).toBeGreaterThan(50);
    expect(Object.keys(cases).sort()).toEqual(leaves.sort());
  });

  it('conversation() covers every auth method, negotiation and exchange, and asynchronous messages', { timeout: 60_000 }, () => {
    const convs = sample(conversation({ pg }), 400);
    const types = new Set(convs.flatMap((c) => c.map((s) => `${s.from} ${s.message.type}`)));
    for (const t of [
      'client SSLRequest',
      'client GSSEncRequest',
      'client CancelRequest',
      'server AuthenticationCleartextPassword',
      'server AuthenticationMD5Password',
      'server AuthenticationSASLFinal',
      'server ErrorResponse',
      'client Sync',
      'server CopyInResponse',
      'server CopyOutResponse',
      'server CopyBothResponse',
      'client CopyFail',
      'client FunctionCall',
      'server NotificationResponse',
      'server NoticeResponse',
      'client Terminate',
    ]) {
      expect(types, t).toContain(t);
    }
    // Pipelines: several Syncs before the first ReadyForQuery of an exchange.
    expect(convs.some((c) => c.filter((s, i) => s.message.type === 'Sync' && c[i + 1]?.message.type === 'Parse').length > 0)).toBe(true);
    // 3.2 keys (32 bytes) and 3.0 keys (4 bytes).
    const keys = new Set(convs.flatMap((c) => c.filter((s) => s.message.type === 'BackendKeyData').map((s) => (s.message as pg.BackendKeyData).secretKey.length)));
    expect([...keys].sort()).toEqual([32, 4]);
  });

  it('malformed() applies every kind of mutation', { timeout: 60_000 }, () => {
    const kinds = new Set(sample(malformed({ pg }), 1500).flatMap((m) => m.mutation.split('; ').map((x) => x.replace(/\b(0x)?[0-9a-f]+\b/g, '#').split(' ').slice(0, 3).join(' '))));
    for (const k of ['truncated at #', 'bit # of', 'length of the', 'type byte at', 'Int16 after the', '# random bytes', 'bytes #..# cut']) {
      expect([...kinds].some((x) => x.startsWith(k)), `${k} in ${[...kinds].join(' | ')}`).toBe(true);
    }
  });

  it('stream() gives valid streams: each decodes back to its messages', { timeout: 60_000 }, () => {
    for (const s of sample(stream({ pg }), 200)) {
      const d = s.side === 'frontend' ? new pg.FrontendMessageDecoder({ phase: s.phase }) : new pg.BackendMessageDecoder({ phase: s.phase });
      d.feed(s.bytes);
      expect([...d].map((m) => m.type)).toEqual(s.messages.map((m) => m.type));
    }
  });

  it('chunking() cuts a stream into pieces that rejoin to it', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
    const cuts = sample(chunking(), 200);
    expect(cuts.some((c) => c.split(bytes).length === 1)).toBe(true);
    expect(cuts.some((c) => c.split(bytes).length === bytes.length)).toBe(true);
    for (const c of cuts) expect(Buffer.concat(c.split(bytes))).toEqual(Buffer.from(bytes));
  });
});
