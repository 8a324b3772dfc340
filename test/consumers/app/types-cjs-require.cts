// A CommonJS consumer that requires pgcodec (Node >= 20.19 runs require of ES modules; TypeScript allows it under nodenext).
import { BackendMessageDecoder, ConnectionPhase, Query } from 'pgcodec';
import { md5Password } from 'pgcodec/auth';

const decoder = new BackendMessageDecoder({ phase: ConnectionPhase.READY });
const hash: string = md5Password('u', 'p', new Uint8Array(4));
export = { decoder, hash, query: new Query({ queryString: 'x' }) };
