// Extending the protocol: a fork's own server message, registered so that the
// decoders read it (pygwire's STANDARD_REGISTRY, in camelCase).
import { BackendMessage, BackendMessageDecoder, ConnectionPhase, ReadyForQuery, STANDARD_REGISTRY, defineMessage } from 'pgcodec';
import type { Reader, Writer } from 'pgcodec/messages';

/** 'x' Progress: Int32 percent | String note (a made-up message). */
class Progress extends BackendMessage {
  declare readonly type: 'Progress';
  readonly percent: number;
  readonly note: string;
  constructor(opts: { percent: number; note: string }) {
    super();
    this.percent = opts.percent;
    this.note = opts.note;
  }
  writePayload(w: Writer): void {
    w.i32(this.percent, 'percent').cstring(this.note, 'note');
  }
  static read(r: Reader): Progress {
    const percent = r.i32('percent');
    return new Progress({ percent, note: r.cstring('note') });
  }
}
defineMessage(Progress, 'Progress', 'x'.charCodeAt(0), 'backend');
STANDARD_REGISTRY.register(Progress, { typeCode: 'x', direction: 'backend', maxLength: 1000 });

const decoder = new BackendMessageDecoder({ phase: ConnectionPhase.READY });
decoder.feed(new Progress({ percent: 40, note: 'vacuuming' }).toWire());
decoder.feed(new ReadyForQuery({ status: 'I' }).toWire());
for (const msg of decoder) console.log(String(msg), msg instanceof Progress);
/* Output:
Progress percent=40 note='vacuuming' true
ReadyForQuery I false
*/
