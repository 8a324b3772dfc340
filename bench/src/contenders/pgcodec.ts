/**
 * pgcodec, for either engine: the decoders used the way the README shows.
 *   split     readFrames(): type and bounds of every frame, nothing decoded
 *   columns   readRowBatch(): runs of DataRows over the scan's column table (lazy)
 *   proxy     the ordinary iterator's DataRows: columnCount and bytes(1), as a proxy looks at a row
 *   strings   readRowBatch().strings(): every value as a string (one batch decode)
 *   messages  the ordinary iterator: a message object for every frame (rows own their bytes, the default)
 *   views     the same with { views: true }: rows view the buffer until the next feed
 * Frontend streams: split and messages.
 * Not a contender itself (no default export): pgcodec-js.ts and pgcodec-wasm.ts are.
 */
import { BackendMessageDecoder, ConnectionPhase, DataRow, FrontendMessageDecoder, type EngineName } from 'pgcodec';
import { sessionContender, sink, type Contender, type Mode, type Session, type SocketSession } from './types.ts';

const DATA_ROW = 0x44;

export function pgcodecContender(engine: EngineName): Contender {
  // One decoder per mode: what one mode's use teaches a decoder must not colour another's.
  const backendDecoders = new Map<Mode, BackendMessageDecoder>();
  const frontendDecoders = new Map<Mode, FrontendMessageDecoder>();
  return sessionContender({
    name: `pgcodec-${engine}`,
    description: `pgcodec's decoders on the ${engine === 'wasm' ? 'WebAssembly' : 'TypeScript'} engine`,
    counts: 'units',
    modeIndependent: false,
    load: { specifier: 'pgcodec', setup: `new m.BackendMessageDecoder({ engine: '${engine}' })` },
    supports(mode, workload) {
      return workload.direction === 'backend' || mode === 'split' || mode === 'messages';
    },
    socket(workload, mode): SocketSession {
      // Backend streams only: the socket reads into the decoder's own buffer (WebAssembly memory).
      const dec = workload.direction === 'frontend'
        ? new FrontendMessageDecoder({ phase: ConnectionPhase.READY, engine })
        : new BackendMessageDecoder({ phase: ConnectionPhase.STARTUP, engine, views: mode === 'views' });
      let session = dec instanceof BackendMessageDecoder ? backendSession(dec, mode) : frontendSession(dec, mode);
      let received = 0;
      const reader = dec.socketReader(() => session.drain());
      return {
        onread: {
          buffer: reader.buffer,
          callback: (n: number) => {
            received += n;
            return reader.callback(n);
          },
        },
        get received() {
          return received;
        },
        begin() {
          session = dec instanceof BackendMessageDecoder ? backendSession(dec, mode) : frontendSession(dec, mode);
        },
        end: () => session.end(),
      };
    },
    open(workload, mode): Session {
      // A decoder lives as long as its connection: make one per engine and
      // reuse it (clear() between streams), so instantiation, which the load
      // suite measures apart, is not timed as throughput.
      if (workload.direction === 'frontend') {
        let fd = frontendDecoders.get(mode);
        if (fd === undefined) frontendDecoders.set(mode, (fd = new FrontendMessageDecoder({ phase: ConnectionPhase.READY, engine })));
        fd.clear();
        return frontendSession(fd, mode);
      }
      let bd = backendDecoders.get(mode);
      if (bd === undefined) backendDecoders.set(mode, (bd = new BackendMessageDecoder({ phase: ConnectionPhase.STARTUP, engine, views: mode === 'views' })));
      if (bd.engine !== engine) throw new Error(`asked for the ${engine} engine, got ${bd.engine}`);
      bd.clear();
      bd.phase = ConnectionPhase.STARTUP;
      return backendSession(bd, mode);
    },
  });
}

/** A session, plus `drain` to pull what the decoder holds (for socket reads straight into it). */
type Drainable = Session & { drain(): void };

function frontendSession(dec: FrontendMessageDecoder, mode: Mode): Drainable {
  let msgs = 0;
  const drain = () => {
    if (mode === 'split') for (let b = dec.readFrames(); b !== null; b = dec.readFrames()) msgs += b.count;
    else for (const _ of dec) msgs++;
  };
  return {
    drain,
    feed(chunk) {
      dec.feed(chunk);
      drain();
    },
    end: () => msgs,
  };
}

function backendSession(dec: BackendMessageDecoder, mode: Mode): Drainable {
  let rows = 0;
  let acc = 0;
  let drain: () => void;
  switch (mode) {
    case 'split':
      drain = () => {
        for (let b = dec.readFrames(); b !== null; b = dec.readFrames()) {
          for (let i = 0; i < b.count; i++) if (b.type(i) === DATA_ROW) rows++;
        }
      };
      break;
    case 'columns':
      drain = () => {
        for (;;) {
          const b = dec.readRowBatch();
          if (b !== null) {
            rows += b.rowCount;
            continue;
          }
          if (dec.readFrame() === null) return;
        }
      };
      break;
    case 'proxy':
    case 'messages':
    case 'views':
      drain = () => {
        for (const m of dec) {
          if (m instanceof DataRow) {
            rows++;
            if (mode === 'proxy') {
              acc += m.columnCount;
              const v = m.bytes(1);
              if (v !== null) acc += v.length;
            }
          }
        }
      };
      break;
    case 'strings':
      drain = () => {
        for (;;) {
          const b = dec.readRowBatch();
          if (b !== null) {
            rows += b.rowCount;
            for (const row of b.strings()) for (const s of row) if (s !== null) acc += s.length;
            continue;
          }
          if (dec.read() === null) return;
        }
      };
      break;
    default:
      throw new Error(`pgcodec does not support mode ${mode satisfies never}`);
  }
  return {
    drain: () => drain(),
    feed(chunk) {
      dec.feed(chunk);
      drain();
    },
    end() {
      sink.value += acc;
      return rows;
    },
  };
}
