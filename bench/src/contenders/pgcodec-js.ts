/**
 * pgcodec's decoders with the TypeScript engine (packages/pgcodec/dist),
 * used the way the README shows: feed each read, then iterate the decoder.
 *   messages  iterate the decoder (DataRows keep their lazy column table)
 *   proxy     + each DataRow's columnCount and bytes(1), as a proxy would look at a row
 *   strings   + text(i) of every value
 * split and columns are not wired yet. Frontend streams: messages only.
 */
import { BackendMessageDecoder, ConnectionPhase, DataRow, FrontendMessageDecoder } from 'pgcodec';
import { sessionContender, sink, type Mode, type Session } from './types.ts';

// The TypeScript engine, explicitly: decoders that can choose an engine take
// `engine` (the PGCODEC_ENGINE environment variable still overrides it);
// builds without engines ignore it.
const BACKEND_OPTIONS = { phase: ConnectionPhase.STARTUP, engine: 'js' } as const;
const FRONTEND_OPTIONS = { phase: ConnectionPhase.READY, engine: 'js' } as const;

export default sessionContender({
  name: 'pgcodec-js',
  description: "pgcodec's BackendMessageDecoder / FrontendMessageDecoder (TypeScript)",
  counts: 'units',
  modeIndependent: false,
  load: { specifier: 'pgcodec', setup: "new m.BackendMessageDecoder({ engine: 'js' })" },
  supports(mode, workload) {
    if (workload.direction === 'frontend') return mode === 'messages';
    return mode === 'messages' || mode === 'proxy' || mode === 'strings';
  },
  open(workload, mode): Session {
    if (workload.direction === 'frontend') {
      const dec = new FrontendMessageDecoder(FRONTEND_OPTIONS);
      let msgs = 0;
      return {
        feed(chunk) {
          dec.feed(chunk);
          for (const _ of dec) msgs++;
        },
        end: () => msgs,
      };
    }
    const dec = new BackendMessageDecoder(BACKEND_OPTIONS);
    return backendSession(dec, mode);
  },
});

function backendSession(dec: BackendMessageDecoder, mode: Mode): Session {
  let rows = 0;
  let acc = 0;
  let drain: () => void;
  switch (mode) {
    case 'messages':
      drain = () => {
        for (const m of dec) if (m instanceof DataRow) rows++;
      };
      break;
    case 'proxy':
      drain = () => {
        for (const m of dec) {
          if (m instanceof DataRow) {
            rows++;
            acc += m.columnCount;
            const v = m.bytes(1);
            if (v !== null) acc += v.length;
          }
        }
      };
      break;
    case 'strings':
      drain = () => {
        for (const m of dec) {
          if (m instanceof DataRow) {
            rows++;
            const n = m.columnCount;
            for (let i = 0; i < n; i++) {
              const s = m.text(i);
              if (s !== null) acc += s.length;
            }
          }
        }
      };
      break;
    default:
      throw new Error(`pgcodec-js does not support mode ${mode}`);
  }
  return {
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
