/** pgcodec on its TypeScript reference engine (see pgcodec.ts for the variants). */
import { pgcodecVariants } from './pgcodec.ts';

export default pgcodecVariants('js');
