/** pgcodec on its WebAssembly engine (see pgcodec.ts for the variants). */
import { pgcodecVariants } from './pgcodec.ts';

export default pgcodecVariants('wasm');
