/**
 * Invariant — round trip: every valid message of every class, built from
 * any valid field values, encodes (`toWire()` never refuses it) and decodes
 * back to an equal message, every byte consumed.
 */
import fc from 'fast-check';
import { messageInput } from '../arbitraries/messages.js';
import { observed } from '../observed.js';
import type { FuzzProperty } from './property.js';
import { decoderFor, shape } from './support.js';

export const roundTrip: FuzzProperty = {
  name: 'round-trip',
  invariant: 'every valid message decodes back from toWire() to an equal message, every byte consumed',
  property(pg) {
    return fc.property(messageInput({ pg }), (input) => {
      const msg = input.make();
      const d = decoderFor(pg, { ...input, wireLimits: true });
      d.feed(msg.toWire());
      const back = d.read();
      if (back === null) throw new Error(`${input.type}: nothing decoded`);
      observed.decoded.add(back.type);
      if (d.buffered !== 0 || d.read() !== null) throw new Error(`${input.type}: ${d.buffered} bytes left over`);
      const [a, b] = [JSON.stringify(shape(msg)), JSON.stringify(shape(back))];
      if (a !== b) throw new Error(`${input.type} decoded differently:\n  sent ${a}\n  got  ${b}`);
    }) as never;
  },
};
