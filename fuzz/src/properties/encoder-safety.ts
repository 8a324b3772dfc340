/**
 * Invariant — encoder safety: for any constructor input, hostile ones
 * included (NULs, lone surrogates, counts past 65535, non-integers, wrong
 * types), building a message and `toWire()` either give bytes that decode
 * to an equal message, or throw `EncodingError` — never anything else.
 */
import fc from 'fast-check';
import { messageInput } from '../arbitraries/messages.js';
import { sawError } from '../observed.js';
import type { FuzzProperty } from './property.js';
import { decoderFor, shape } from './support.js';

export const encoderSafety: FuzzProperty = {
  name: 'encoder-safety',
  invariant: 'toWire() either produces bytes that decode to an equal message or throws EncodingError',
  property(pg) {
    return fc.property(messageInput({ pg, hostile: true }), (input) => {
      let wire: Uint8Array;
      let msg;
      try {
        msg = input.make();
        wire = msg.toWire();
      } catch (e) {
        sawError(pg, e);
        if (e instanceof pg.EncodingError) return;
        throw e;
      }
      const d = decoderFor(pg, { ...input, wireLimits: true });
      d.feed(wire);
      const back = d.read();
      if (back === null || d.buffered !== 0) throw new Error(`${input.type}: accepted, but the bytes do not decode to one message`);
      const [a, b] = [JSON.stringify(shape(msg)), JSON.stringify(shape(back))];
      if (a !== b) throw new Error(`${input.type} accepted and read differently:\n  sent ${a}\n  got  ${b}`);
    }) as never;
  },
};
