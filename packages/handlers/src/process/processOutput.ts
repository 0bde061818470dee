/**
 * Carries one process's stdout and stderr to the actor. Each stream is split by its output mode and delivered in
 * order, one delivery at a time; `handle-exit` follows only once the process has exited and both streams are fully
 * delivered. What has been read but not yet delivered is bounded: at `limit` bytes both pipes are paused, so a
 * chatty process waits for the actor (the pipe fills and its writes block) instead of its output being dropped or
 * held without end. The bound may be passed by the one read in progress (a pipe yields at most 64 KiB at a time).
 */
import type { Readable } from 'node:stream';
import { createOutputSplitter, type OutputMode, type OutputSplitter } from './outputStream.js';

/** Delivers one call to the actor's `process-handlers`; resolves false once the actor can take no more. */
export type DeliverOutput = (fn: 'handle-stdout' | 'handle-stderr' | 'handle-exit', payload: Uint8Array | number) => Promise<boolean>;

/** How one process's output travels. */
export interface OutputOptions {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdoutMode: OutputMode;
  readonly stderrMode: OutputMode;
  readonly chunkSize: number | undefined;
  /** Bytes read but not yet delivered, over both streams, before the pipes pause. */
  readonly limit: number;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number>;
}

interface StreamState {
  readonly stream: Readable;
  readonly splitter: OutputSplitter;
  readonly queue: Uint8Array[];
  queued: number;
  ended: boolean;
  wake: (() => void) | undefined;
}

/** Forwards the output, then the exit; resolves when the last delivery is done (or the actor has gone). */
export async function forwardOutput(options: OutputOptions, deliver: DeliverOutput): Promise<void> {
  const { limit } = options;
  const states: StreamState[] = [];
  let paused = false;
  const regulate = (): void => {
    const buffered = states.reduce((sum, state) => sum + state.queued + state.splitter.pending, 0);
    if (buffered >= limit && !paused) {
      paused = true;
      for (const state of states) state.stream.pause();
    } else if (buffered < limit && paused) {
      paused = false;
      for (const state of states) state.stream.resume();
    }
  };
  const follow = (stream: Readable, mode: OutputMode): StreamState => {
    const state: StreamState = {
      stream,
      splitter: createOutputSplitter(mode, { limit, chunkSize: options.chunkSize }),
      queue: [],
      queued: 0,
      ended: false,
      wake: undefined,
    };
    const take = (pieces: Uint8Array[]): void => {
      for (const piece of pieces) {
        state.queue.push(piece);
        state.queued += piece.length;
      }
      state.wake?.();
    };
    stream.on('data', (chunk: Uint8Array) => {
      take(state.splitter.push(chunk));
      regulate();
    });
    // A stream that ends, fails or is destroyed has nothing more to give; what is held back is delivered.
    const finish = (): void => {
      if (state.ended) return;
      state.ended = true;
      take(state.splitter.end());
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.on('error', finish);
    states.push(state);
    return state;
  };
  const drain = async (state: StreamState, fn: 'handle-stdout' | 'handle-stderr'): Promise<boolean> => {
    let live = true;
    for (;;) {
      const next = state.queue.shift();
      if (next === undefined) {
        if (state.ended) return live;
        await new Promise<void>((resolve) => {
          state.wake = resolve;
        });
        state.wake = undefined;
        continue;
      }
      // Once the actor is gone the rest is read and dropped, so the process is never left blocked on a full pipe.
      if (live) live = await deliver(fn, next);
      state.queued -= next.length;
      regulate();
    }
  };
  const stdout = follow(options.stdout, options.stdoutMode);
  const stderr = follow(options.stderr, options.stderrMode);
  const [outLive, errLive, code] = await Promise.all([drain(stdout, 'handle-stdout'), drain(stderr, 'handle-stderr'), options.exited]);
  if (outLive && errLive) await deliver('handle-exit', code);
}
