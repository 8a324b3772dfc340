/**
 * The encode suite's contenders: an encoder turns the inputs of one message
 * kind (inputs.ts) into wire bytes, one message per call, in its own API's
 * terms. Every encoder's bytes are checked identical to the reference's
 * before anything is timed.
 */
import type { MessageKind } from './inputs.ts';

export interface Encoder {
  readonly contender: string;
  readonly how: string;
  /** One line under the table. */
  readonly explain: string;
  /** Whether it is the reference for this kind (pg-protocol's serialize, or the hand-written Buffer encoder for DataRow). */
  isReference(kind: MessageKind): boolean;
  supports(kind: MessageKind): boolean;
  /** Encodes message i of the kind's inputs. */
  prepare(kind: MessageKind): (i: number) => Uint8Array;
}
