/**
 * What a fuzz run reached, beyond line coverage: the error codes it
 * provoked and the message types it decoded. The properties record here;
 * the CLI reports it against everything pgcodec has.
 */
import type { Pg } from './pg.js';

export const observed = {
  /** ErrorCode values of every ProtocolError and EncodingError seen. */
  codes: new Set<string>(),
  /** Types of every message decoded from bytes. */
  decoded: new Set<string>(),
};

/** Records an error's code, if it is one of pgcodec's. */
export function sawError(pg: Pg, e: unknown): void {
  if (e instanceof pg.PgcodecError) observed.codes.add(e.code);
}

/** What `pg` has and the run did not reach. */
export function unreached(pg: Pg, messageTypes: readonly string[]): { codes: string[]; decoders: string[] } {
  return {
    codes: Object.values(pg.ErrorCode).filter((c) => !observed.codes.has(c)),
    decoders: messageTypes.filter((t) => !observed.decoded.has(t)),
  };
}
