/** The encoders, references first. */
import { bufferEncoder } from './buffer.ts';
import { pgcodecEncoder } from './pgcodec.ts';
import { pgProtocolEncoder } from './pg-protocol.ts';
import type { Encoder } from './types.ts';

export const ENCODERS: readonly Encoder[] = [pgProtocolEncoder, bufferEncoder, pgcodecEncoder];
