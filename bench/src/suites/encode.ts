/**
 * Encoding: for each message kind, every encoder turns the same inputs into
 * wire bytes. First, every encoder's bytes are compared with the
 * reference's, message by message; any difference stops the run (the work
 * would not be the same). Then the encoders run in interleaved rounds
 * (rounds.ts) and each gets its per-round ratio to the reference.
 */
import type { Encoder } from '../encoders/types.ts';
import { MESSAGE_KINDS, messageKind, type MessageKind } from '../encoders/inputs.ts';
import type { Progress } from '../progress.ts';
import { flags, perRoundRatios, summarize } from '../ratios.ts';
import type { EncodeRow } from '../results.ts';
import { runRounds } from '../rounds.ts';
import { quartiles } from '../stats.ts';

export interface EncodeOptions {
  scale: number;
  rounds: number;
  /** ms for all slots of one message kind. */
  budgetMs: number;
  progress: Progress;
}

/** The first byte at which two encodings differ, or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Throws unless every encoder writes exactly the reference's bytes for every message of the kind. Returns the bytes per pass. */
export function checkIdentical(kind: MessageKind, encoders: readonly Encoder[]): number {
  const ref = encoders.find((e) => e.isReference(kind));
  if (!ref) throw new Error(`no reference encoder for ${kind.name}`);
  const want = ref.prepare(kind);
  const others = encoders.filter((e) => e !== ref).map((e) => ({ e, one: e.prepare(kind) }));
  let bytes = 0;
  for (let i = 0; i < kind.count; i++) {
    const a = Uint8Array.from(want(i)); // pg-protocol may hand out a view of a buffer it reuses
    bytes += a.length;
    for (const { e, one } of others) {
      const b = one(i);
      const at = firstDifference(a, b);
      if (at >= 0) {
        throw new Error(
          `encode check failed: ${e.contender} ${kind.name} #${i} differs from ${ref.contender}'s at byte ${at} ` +
            `(${b.length} vs ${a.length} bytes); the encoders would not be doing the same work, so no numbers are reported`,
        );
      }
    }
  }
  return bytes;
}

export async function runEncode(encoders: readonly Encoder[], o: EncodeOptions): Promise<EncodeRow[]> {
  const out: EncodeRow[] = [];
  for (const name of MESSAGE_KINDS) {
    const kind = messageKind(name, o.scale);
    const es = encoders.filter((e) => e.supports(kind));
    const bytes = checkIdentical(kind, es);
    const tasks = es.map((e) => {
      const one = e.prepare(kind);
      const run = () => {
        let n = 0;
        for (let i = 0; i < kind.count; i++) n += one(i).length;
        return n;
      };
      return { label: `${name} ${e.contender}`, run, async: false };
    });
    const slotMs = o.budgetMs / (o.rounds * tasks.length);
    await runRounds(tasks, { rounds: 1, slotMs, minIterations: 2 }); // warm-up, discarded
    const ms = await runRounds(tasks, { rounds: o.rounds, slotMs, minIterations: 2, onSlot: (d, t) => o.progress.update(name, d, t) });
    const ref = es.findIndex((e) => e.isReference(kind));
    let above: EncodeRow | null = null;
    es.forEach((e, i) => {
      const vs = i === ref ? null : summarize(perRoundRatios(ms[i]!, ms[ref]!));
      const row: EncodeRow = {
        message: name,
        contender: e.contender,
        how: e.how,
        reference: i === ref,
        count: kind.count,
        bytes,
        rounds: o.rounds,
        mbps: quartiles(ms[i]!.map((t) => bytes / 1e3 / t)),
        msgsPerSec: quartiles(ms[i]!.map((t) => (kind.count * 1000) / t)),
        perRound: ms[i]!.map((t) => bytes / 1e3 / t),
        vsReference: vs,
        flags: vs ? flags(vs, above?.vsReference ?? null) : [],
      };
      if (vs) above = row;
      out.push(row);
    });
  }
  return out;
}
