/**
 * Invariant — model-based: a FrontendConnection wired to a
 * BackendConnection accepts every valid conversation, each message decoding
 * on the other side to the one sent (through `receive()`, or a proxy's
 * frame path: `feed()`, `readFrame()`, `readRowBatch()`), with both sides agreeing on phase,
 * `pendingSyncs` and `pendingRequests` after every message. Commands
 * (`fc.commands`) interleave the conversation's next step with messages
 * either side sends out of turn, injected into the pair (the conversation
 * goes on from there) or probed on a fork of it (the script goes on
 * unaffected). The two state machines must judge each alike: if the
 * sender's `send()` accepts it the receiver accepts it too; if `send()`
 * refuses it (StateMachineError, origin 'local'), the receiver given its
 * bytes refuses it as well (StateMachineError, origin 'peer'). Both
 * accepting what the protocol plainly forbids (oracle.ts, judged without
 * pgcodec's tables) fails too: a wrong row in the table the two machines
 * share would otherwise go unseen.
 */
import fc from 'fast-check';
import type { PgMessage } from 'pgcodec';
import { conversation, type Step } from '../arbitraries/conversation.js';
import { messageCases, messageInput, PHASE_FRAMED, type MessageInput } from '../arbitraries/messages.js';
import type { Pg } from '../pg.js';
import { forbidden, ORDERED_TYPES } from './oracle.js';
import { sawError } from '../observed.js';
import type { FuzzProperty } from './property.js';

interface Real {
  client: InstanceType<Pg['FrontendConnection']>;
  server: InstanceType<Pg['BackendConnection']>;
  log: string[];
  /** How the receiver takes bytes: `receive()`, or a proxy's frame path (`feed()` + `readFrame()`, and `readRowBatch()` on the client). */
  via: Via;
}

export type Via = 'receive' | 'frames' | 'rows';

/** What the receiver makes of `bytes`, by `via` where its framing allows (the frame path is for standard frames). */
function take(pg: Pg, real: Real, receiver: Real['client'] | Real['server'], bytes: Uint8Array): PgMessage[] {
  const P = pg.ConnectionPhase;
  const phase = receiver.phase;
  const standard = phase !== P.SSL_NEGOTIATION && phase !== P.GSS_NEGOTIATION && !(receiver === real.server && phase === P.STARTUP);
  if (real.via === 'receive' || !standard) return [...receiver.receive(bytes)];
  receiver.feed(bytes);
  const out: PgMessage[] = [];
  for (;;) {
    if (real.via === 'rows' && receiver === real.client) {
      const b = real.client.readRowBatch();
      if (b !== null) {
        for (let r = 0; r < b.rowCount; r++) out.push(new pg.DataRow({ columns: b.row(r) }));
        continue;
      }
    }
    const f = receiver.readFrame();
    if (f === null) return out;
    out.push(f.decode());
  }
}

interface Model {
  steps: readonly Step[];
  /** The next step of the conversation. */
  next: number;
  /** An injected message was accepted: the script no longer applies. */
  offScript: boolean;
  /** A message was refused: both connections are FAILED. */
  failed: boolean;
}

/** Delivers `msg` from one side to the other; returns whether the sender accepted it, and checks the receiver judged alike. */
function deliver(pg: Pg, real: Real, from: 'client' | 'server', msg: PgMessage): boolean {
  const [sender, receiver] = from === 'client' ? [real.client, real.server] : [real.server, real.client];
  real.log.push(`${from} ${msg.type}`);
  let bytes: Uint8Array;
  try {
    bytes = (sender.send as (m: PgMessage) => Uint8Array)(msg);
  } catch (e) {
    sawError(pg, e);
    if (!(e instanceof pg.StateMachineError) || e.origin !== 'local') throw e;
    const P = pg.ConnectionPhase;
    const phase = receiver.phase;
    // Where the receiver frames by phase (a startup packet, a one-byte SSL/GSS answer, nothing at all
    // while the client awaits one) the bytes are not even a frame to it: any protocol error is a refusal.
    const framedByPhase = phase === P.SSL_NEGOTIATION || phase === P.GSS_NEGOTIATION || (from === 'client' && phase === P.STARTUP);
    let answer: unknown = null;
    try {
      take(pg, real, receiver, msg.toWire());
    } catch (r) {
      sawError(pg, r);
      answer = r;
    }
    if (answer instanceof pg.StateMachineError && answer.origin === 'peer') return false;
    if (framedByPhase && answer instanceof pg.ProtocolError) return false;
    // A message over the receiver's limit for its phase is refused before its order is looked at (libpq does the same).
    if (answer instanceof pg.FramingError && answer.code === 'ERR_LENGTH_TOO_LARGE') return false;
    throw new Error(`${from} refused to send ${msg.type} (${e.message}) but the other side ${answer === null ? 'accepted it' : `failed otherwise: ${String(answer)}`}\n  ${real.log.join('\n  ')}`);
  }
  let got: PgMessage[];
  try {
    got = take(pg, real, receiver, bytes);
  } catch (e) {
    throw new Error(`${from} sent ${msg.type} but the other side refused it: ${String(e)}\n  ${real.log.join('\n  ')}`);
  }
  if (got.length !== 1 || got[0]!.type !== msg.type) throw new Error(`${from} sent ${msg.type}, the other side read ${got.map((m) => m.type).join(', ') || 'nothing'} (via ${real.via})`);
  if (!equalBytes(got[0]!.toWire(), bytes)) throw new Error(`${from} sent ${msg.type}, the other side read it differently (via ${real.via})`);
  agree(real);
  return true;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function agree(real: Real): void {
  const a = { phase: real.client.phase, pendingSyncs: real.client.pendingSyncs, pendingRequests: real.client.pendingRequests };
  const b = { phase: real.server.phase, pendingSyncs: real.server.pendingSyncs, pendingRequests: real.server.pendingRequests };
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`the sides disagree after ${real.log.at(-1)}:\n  client ${JSON.stringify(a)}\n  server ${JSON.stringify(b)}\n  ${real.log.join('\n  ')}`);
  }
}

/** The conversation's next step. */
class NextStep implements fc.Command<Model, Real> {
  constructor(private readonly pg: Pg) {}
  check = (m: Readonly<Model>) => !m.failed && !m.offScript && m.next < m.steps.length;
  run(m: Model, real: Real): void {
    const step = m.steps[m.next++]!;
    if (!deliver(this.pg, real, step.from, step.message)) throw new Error(`a valid conversation was refused at ${step.from} ${step.message.type}\n  ${real.log.join('\n  ')}`);
  }
  toString = () => 'next';
}

/** A fresh pair brought to the same point of the script. */
function fork(pg: Pg, m: Readonly<Model>, via: Via): Real {
  // The js engine: a pair over WebAssembly costs ~1.4 ms to create, over js ~0.1 ms; the state machines are the same.
  const real: Real = { client: new pg.FrontendConnection({ engine: 'js' }), server: new pg.BackendConnection({ engine: 'js' }), log: [], via };
  for (const step of m.steps.slice(0, m.next)) deliver(pg, real, step.from, step.message);
  return real;
}

/** Judges `input` sent at the script's current point on `real`; returns whether both sides accepted it. */
function judge(pg: Pg, m: Readonly<Model>, real: Real, input: MessageInput): boolean {
  const from = input.side === 'frontend' ? 'client' : 'server';
  const ok = deliver(pg, real, from, input.make());
  if (ok && !m.offScript && forbidden(m.steps.slice(0, m.next), from, input.type)) {
    throw new Error(`both sides accepted ${from} ${input.type}, an order the protocol forbids there\n  ${real.log.join('\n  ')}`);
  }
  return ok;
}

/** A message either side sends out of the script, on the pair itself: the conversation goes on from there, or ends refused. */
class Inject implements fc.Command<Model, Real> {
  constructor(
    private readonly pg: Pg,
    private readonly input: MessageInput,
  ) {}
  check = (m: Readonly<Model>) => !m.failed;
  run(m: Model, real: Real): void {
    const ok = judge(this.pg, m, real, this.input);
    // Asynchronous messages change nothing: the script still applies.
    if (ok && !ASYNC.has(this.input.type)) m.offScript = true;
    if (!ok) m.failed = true;
  }
  toString = () => `inject(${this.input.type})`;
}

/** A message either side sends out of the script, on a fork of the pair at this point: the script goes on unaffected. */
class Probe implements fc.Command<Model, Real> {
  constructor(
    private readonly pg: Pg,
    private readonly input: MessageInput,
  ) {}
  check = (m: Readonly<Model>) => !m.failed && !m.offScript;
  run(m: Model, real: Real): void {
    judge(this.pg, m, fork(this.pg, m, real.via), this.input);
  }
  toString = () => `probe(${this.input.type})`;
}

/** Every message type at once, each on its own fork of the pair at this point. */
class ProbeEach implements fc.Command<Model, Real> {
  constructor(
    private readonly pg: Pg,
    private readonly inputs: readonly MessageInput[],
  ) {}
  check = (m: Readonly<Model>) => !m.failed && !m.offScript;
  run(m: Model, real: Real): void {
    for (const input of this.inputs) judge(this.pg, m, fork(this.pg, m, real.via), input);
  }
  toString = () => 'probeEach';
}

/** What a server may send at any time after authentication began: they leave the conversation where it was. */
const ASYNC = new Set(['NoticeResponse', 'ParameterStatus', 'NotificationResponse']);

export const model: FuzzProperty = {
  name: 'model',
  invariant: 'a FrontendConnection wired to a BackendConnection accepts every valid conversation, both agreeing on phase, pendingSyncs and pendingRequests, and both refuse an invalid order',
  weight: 2,
  property(pg) {
    // Standard frames only: a startup packet or 'p' answer out of its phase is framed differently, not refused.
    const injectable = messageInput({ pg }).filter((m) => !PHASE_FRAMED.has(m.type));
    // Probes lean to the messages whose order matters most: answers and the query cycle.
    const probed = fc.oneof(injectable, messageInput({ pg, types: ORDERED_TYPES }));
    const types = Object.keys(messageCases(pg)).filter((t) => !PHASE_FRAMED.has(t));
    const each = fc.tuple(...types.map((t) => messageInput({ pg, types: [t] }))).map((inputs) => new ProbeEach(pg, inputs));
    const next = fc.constant(new NextStep(pg));
    const probe = probed.map((m) => new Probe(pg, m));
    const commands = fc.commands([next, next, next, next, next, next, probe, probe, each, injectable.map((m) => new Inject(pg, m))], { maxCommands: 100 });
    const via = fc.constantFrom<Via>('receive', 'frames', 'rows');
    return fc.property(conversation({ pg }), via, commands, (steps, v, cmds) => {
      const state = {
        model: { steps, next: 0, offScript: false, failed: false } as Model,
        real: { client: new pg.FrontendConnection(), server: new pg.BackendConnection(), log: [], via: v } as Real,
      };
      fc.modelRun(() => state, cmds);
      // Whatever the commands left of the script must still be accepted, to its end.
      const rest = new NextStep(pg);
      while (rest.check(state.model)) rest.run(state.model, state.real);
    }) as never;
  },
};
