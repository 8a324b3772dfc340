/** pgcodec on its TypeScript reference engine (see pgcodec.ts for the modes). */
import { pgcodecContender } from './pgcodec.ts';

export default pgcodecContender('js');
