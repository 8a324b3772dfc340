/** pgcodec on its WebAssembly engine (see pgcodec.ts for the modes). */
import { pgcodecContender } from './pgcodec.ts';

export default pgcodecContender('wasm');
