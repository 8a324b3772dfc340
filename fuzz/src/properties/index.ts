/** Every property the fuzzer checks, in the order a run reports them. */
import { chunkingIndependence } from './chunking.js';
import { differential } from './differential.js';
import { encoderSafety } from './encoder-safety.js';
import { model } from './model.js';
import { ownership } from './ownership.js';
import type { FuzzProperty } from './property.js';
import { robustness } from './robustness.js';
import { roundTrip } from './round-trip.js';

export type { FuzzProperty } from './property.js';
export { chunkingIndependence, differential, encoderSafety, model, ownership, robustness, roundTrip };

export const PROPERTIES: readonly FuzzProperty[] = [roundTrip, encoderSafety, chunkingIndependence, differential, robustness, ownership, model];
