/**
 * Splits a process's stdout or stderr into deliveries, by the output mode the actor chose when it spawned it:
 *
 * - `raw`: each chunk as the pipe yields it;
 * - `line-by-line`: one delivery per line, without its `\n` (an empty line is delivered empty); a last line with no
 *   `\n` is delivered when the stream ends;
 * - `json`: newline-delimited JSON, framed like `line-by-line` except that blank lines are skipped (the host does not
 *   parse the lines; the actor does);
 * - `chunked`: `chunk-size` bytes per delivery; the last one may be shorter.
 *
 * An unfinished line or chunk that reaches `limit` bytes is delivered as it is, so that one long line never holds a
 * process's output back for good.
 */
import type { HostInterfaces } from '@theater/kernel';

/** The WIT `output-mode`: `raw`, `line-by-line`, `json` or `chunked`. */
export type OutputMode = Parameters<HostInterfaces['theater:simple/process']['osSpawn']>[0]['stdoutMode'];

/** Turns the chunks of one stream into the byte strings to deliver, in order. */
export interface OutputSplitter {
  /** Bytes received but not yet part of a delivery (an unfinished line or chunk). */
  readonly pending: number;
  /** The deliveries completed by `chunk`. */
  push(chunk: Uint8Array): Uint8Array[];
  /** The deliveries left when the stream has ended. */
  end(): Uint8Array[];
}

const NEWLINE = 0x0a;
const EMPTY = new Uint8Array(0);

/**
 * A splitter for `mode`; `chunkSize` is required (positive) in `chunked` mode, and `limit` bounds what it holds back.
 *
 * @example
 * const lines = createOutputSplitter('line-by-line', { limit: 1024 });
 * lines.push(new TextEncoder().encode('a\nb')); // [bytes of "a"]
 * lines.end(); // [bytes of "b"]
 */
export function createOutputSplitter(
  mode: OutputMode,
  options: { readonly limit: number; readonly chunkSize?: number | undefined },
): OutputSplitter {
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`expected a positive integer limit, got ${limit}`);
  switch (mode) {
    case 'raw':
      return { pending: 0, push: (chunk) => (chunk.length === 0 ? [] : [chunk.slice()]), end: () => [] };
    case 'line-by-line':
      return heldSplitter(limit, { skipBlank: false });
    case 'json':
      return heldSplitter(limit, { skipBlank: true });
    case 'chunked': {
      const size = options.chunkSize;
      if (size === undefined || !Number.isInteger(size) || size < 1)
        throw new RangeError(`expected a positive integer chunk size, got ${size}`);
      return heldSplitter(Math.min(size, limit));
    }
  }
}

/**
 * Holds back what is not yet a whole delivery and cuts the rest into pieces of at most `size` bytes; with `lines`, it
 * first cuts at each newline (dropping it, and dropping blank lines when `skipBlank`).
 */
function heldSplitter(size: number, lines?: { readonly skipBlank: boolean }): OutputSplitter {
  let held = EMPTY;
  const keep = (piece: Uint8Array, into: Uint8Array[]): void => {
    if (lines?.skipBlank !== true || !isBlank(piece)) into.push(piece);
  };
  return {
    get pending() {
      return held.length;
    },
    push(chunk) {
      const out: Uint8Array[] = [];
      const data = joined(held, chunk);
      let start = 0;
      if (lines !== undefined) {
        for (let newline = data.indexOf(NEWLINE); newline >= 0; newline = data.indexOf(NEWLINE, start)) {
          keep(data.slice(start, newline), out);
          start = newline + 1;
        }
      }
      for (; data.length - start >= size; start += size) out.push(data.slice(start, start + size));
      held = data.slice(start);
      return out;
    },
    end() {
      const out: Uint8Array[] = [];
      if (held.length > 0) keep(held, out);
      held = EMPTY;
      return out;
    },
  };
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const both = new Uint8Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  return both;
}

/** Only spaces, tabs and carriage returns (JSON whitespace, less the newline that ended the line). */
function isBlank(line: Uint8Array): boolean {
  return line.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d);
}
