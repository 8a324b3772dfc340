/**
 * The pgcodec the arbitraries build messages with and the properties check.
 * Everything takes it as a parameter (defaulting to the installed package),
 * so the same properties run against a source tree, a built package, or a
 * copy with a bug planted in it.
 */
import * as pgcodec from 'pgcodec';

export type Pg = typeof pgcodec;

export const defaultPg: Pg = pgcodec;
