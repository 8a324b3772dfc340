/** A property of pgcodec that the fuzzer checks, over the pgcodec it is given. */
import type fc from 'fast-check';
import type { Pg } from '../pg.js';

export interface FuzzProperty {
  /** Its name on the command line (`--property round-trip`). */
  readonly name: string;
  /** The invariant, in one sentence. */
  readonly invariant: string;
  /** Share of a time budget it gets, relative to the others (default 1). */
  readonly weight?: number;
  /** The fast-check property over `pg`. */
  property(pg: Pg): fc.IProperty<never>;
}
