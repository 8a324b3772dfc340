/**
 * Quiet progress. On a terminal: one line, rewritten in place (suite,
 * what runs, slots done, elapsed), cleared at the end. Elsewhere (CI, a
 * pipe): one line per suite and per note, nothing per task.
 */

export interface Progress {
  /** A suite begins (a line of its own when not on a terminal). */
  suite(name: string, what: string): void;
  /** What runs now and how far along it is (terminal only). */
  update(what: string, done?: number, total?: number): void;
  /** A line the reader should keep (a note, a fallback). */
  note(line: string): void;
  /** Clears the progress line. */
  end(): void;
}

export function progress(stream: NodeJS.WriteStream = process.stderr, tty = stream.isTTY === true): Progress {
  const t0 = performance.now();
  let suite = '';
  let shown = false;
  const clear = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  const secs = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  return {
    suite(name, what) {
      suite = name;
      if (tty) this.update(what);
      else stream.write(`${name}: ${what}\n`);
    },
    update(what, done, total) {
      if (!tty) return;
      const of = done !== undefined && total !== undefined ? ` ${done}/${total}` : '';
      const line = `[${secs()}] ${suite}: ${what}${of}`;
      const width = (stream.columns ?? 100) - 1;
      stream.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}`);
      shown = true;
    },
    note(line) {
      clear();
      stream.write(`${line}\n`);
    },
    end: clear,
  };
}

/** Progress that says nothing (tests, library use). */
export const silent: Progress = { suite() {}, update() {}, note() {}, end() {} };
