/**
 * pgcodec, for either engine: its decoders driven the ways its README shows.
 *
 *   strings group (backend streams)
 *     text(i)                   the message API: iterate the decoder, DataRow.text(i) for every value (rows own their bytes)
 *     text(i), views            the same on a decoder made with { views: true } (rows view its buffer until the next feed)
 *     columns + TextDecoder     the message API, row.columns, then TextDecoder.decode of each value
 *     readRowBatch().strings()  runs of DataRows decoded in one batch
 *   frames group (both directions)
 *     readFrames()              a batch over the scan's frame table, the type of every frame
 *     frames()                  the iterator over a reused Frame, the type of every frame
 *
 * Not a contender itself (no default export): pgcodec-js.ts and pgcodec-wasm.ts are.
 */
import { BackendMessageDecoder, ConnectionPhase, DataRow, FrontendMessageDecoder, type EngineName, type MessageDecoder, type PgMessage } from 'pgcodec';
import type { GroupName } from '../groups.ts';
import { valueSum } from '../workloads/frames.ts';
import type { Workload } from '../workloads/index.ts';
import { sessionVariant, sink, type Session, type SocketSession, type Variant } from './types.ts';

type Decoder = MessageDecoder<PgMessage>;

/** Pulls everything a decoder holds; `result()` is the checksum so far. */
interface Drain {
  drain(): void;
  result(): number;
}

interface Way {
  how: string;
  group: GroupName;
  explain: string;
  views?: boolean;
  backendOnly: boolean;
  drain(dec: Decoder): Drain;
}

const utf8 = new TextDecoder();

const WAYS: readonly Way[] = [
  {
    how: 'text(i)',
    group: 'strings',
    explain: 'the message API: iterate the decoder, DataRow.text(i) for every value; rows own their bytes (the default)',
    backendOnly: true,
    drain(dec) {
      let sum = 0;
      return {
        drain() {
          for (const m of dec) {
            if (m instanceof DataRow) for (let i = 0, n = m.columnCount; i < n; i++) sum += valueSum(m.text(i));
          }
        },
        result: () => sum,
      };
    },
  },
  {
    how: 'text(i), views',
    group: 'strings',
    explain: 'the same on a decoder made with { views: true }: rows view its buffer until the next feed (no copy)',
    views: true,
    backendOnly: true,
    drain: (dec) => WAYS[0]!.drain(dec),
  },
  {
    how: 'columns + TextDecoder',
    group: 'strings',
    explain: 'the message API: row.columns (each value as bytes), then TextDecoder.decode of each',
    backendOnly: true,
    drain(dec) {
      let sum = 0;
      return {
        drain() {
          for (const m of dec) {
            if (m instanceof DataRow) for (const v of m.columns) sum += v === null ? 0 : utf8.decode(v).length + 1;
          }
        },
        result: () => sum,
      };
    },
  },
  {
    how: 'readRowBatch().strings()',
    group: 'strings',
    explain: 'each run of DataRows decoded in one batch (the other frames: read())',
    backendOnly: true,
    drain(dec) {
      const bd = dec as BackendMessageDecoder;
      let sum = 0;
      return {
        drain() {
          for (;;) {
            const b = bd.readRowBatch();
            if (b !== null) {
              for (const row of b.strings()) for (const v of row) sum += valueSum(v);
              continue;
            }
            if (bd.read() === null) return;
          }
        },
        result: () => sum,
      };
    },
  },
  {
    how: 'readFrames()',
    group: 'frames',
    explain: "a batch over the scan's frame table; the type of every frame read",
    backendOnly: false,
    drain(dec) {
      let frames = 0;
      let types = 0;
      return {
        drain() {
          for (let b = dec.readFrames(); b !== null; b = dec.readFrames()) {
            for (let i = 0; i < b.count; i++) types += b.type(i);
            frames += b.count;
          }
        },
        result() {
          sink.value += types;
          return frames;
        },
      };
    },
  },
  {
    how: 'frames()',
    group: 'frames',
    explain: 'iterate a reused Frame; the type of every frame read',
    backendOnly: false,
    drain(dec) {
      let frames = 0;
      let types = 0;
      return {
        drain() {
          for (const f of dec.frames()) {
            types += f.type;
            frames++;
          }
        },
        result() {
          sink.value += types;
          return frames;
        },
      };
    },
  },
];

function newDecoder(w: Workload, engine: EngineName, views: boolean): Decoder {
  const dec: Decoder =
    w.direction === 'frontend'
      ? new FrontendMessageDecoder({ phase: ConnectionPhase.READY, engine })
      : new BackendMessageDecoder({ phase: ConnectionPhase.STARTUP, engine, views });
  if (dec.engine !== engine) throw new Error(`asked for the ${engine} engine, got ${dec.engine}`);
  return dec;
}

export function pgcodecVariants(engine: EngineName): Variant[] {
  return WAYS.map((way) => {
    // A decoder lives as long as its connection: one per direction, reused
    // (clear() between streams), so instantiation — the load suite's
    // business — is not timed as throughput.
    const decoders = new Map<string, Decoder>();
    const reuse = (w: Workload): Decoder => {
      let d = decoders.get(w.direction);
      if (d === undefined) decoders.set(w.direction, (d = newDecoder(w, engine, way.views ?? false)));
      d.clear();
      if (w.direction === 'backend') d.phase = ConnectionPhase.STARTUP;
      return d;
    };
    const variant = sessionVariant({
      contender: `pgcodec-${engine}`,
      how: way.how,
      explain: way.explain,
      group: way.group,
      supports: (w) => w.direction === 'backend' || !way.backendOnly,
      open(w): Session {
        const d = way.drain(reuse(w));
        return {
          feed(chunk) {
            decoders.get(w.direction)!.feed(chunk);
            d.drain();
          },
          end: () => d.result(),
        };
      },
    });
    return {
      ...variant,
      // over tcp the socket reads straight into the decoder's own buffer (node's onread)
      socket(w): SocketSession {
        const dec = newDecoder(w, engine, way.views ?? false);
        let d = way.drain(dec);
        let received = 0;
        const reader = dec.socketReader(() => d.drain());
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
            d = way.drain(dec);
          },
          end: () => d.result(),
        };
      },
    };
  });
}
