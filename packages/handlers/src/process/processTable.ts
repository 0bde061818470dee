/**
 * The processes one actor has started. Each gets an actor-local id (1, 2, 3…), never its OS pid: that would show the
 * actor the host's process table, and differ on every run, so a replayed chain could not match it. The table also
 * enforces `max_processes`, counting the processes still running and those being started.
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { HostCallError } from '@theater/kernel';

/** One process of the actor. */
export interface TrackedProcess {
  /** The actor-local id. */
  readonly id: number;
  readonly child: ChildProcess;
  /** When it started, in ms since the epoch. */
  readonly startTime: number;
  /** Resolves with the exit code once the process has exited (see `exitCodeOf`). */
  readonly exited: Promise<number>;
}

/** The exit code Theater reports: the process's own, or 128 + the signal's number when a signal ended it (as shells do). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal === null ? 0 : constants.signals[signal]);
}

/** Sends `signal` to the process's group (it runs `detached`): the process and what it started. The group may be gone already. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** True until the process has exited (and Node has reaped it, so its pid is still its own). */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** The processes of one actor, by id. */
export class ProcessTable {
  readonly #maxProcesses: number;
  readonly #processes = new Map<number, TrackedProcess>();
  #nextId = 1;
  #starting = 0;

  constructor(maxProcesses: number) {
    this.#maxProcesses = maxProcesses;
  }

  /**
   * Claims a place for a process about to start, or throws `permission-denied` when `max_processes` are running.
   * Returns the function that gives the place back (call it whether or not the start succeeded).
   */
  claim(): () => void {
    const busy = this.running().length + this.#starting;
    if (busy >= this.#maxProcesses) {
      throw new HostCallError(`permission-denied: ${busy} processes are running; max_processes is ${this.#maxProcesses}`);
    }
    this.#starting++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#starting--;
    };
  }

  /** Adds a started process under the next id. */
  add(child: ChildProcess, startTime: number, exited: Promise<number>): TrackedProcess {
    const process: TrackedProcess = { id: this.#nextId++, child, startTime, exited };
    this.#processes.set(process.id, process);
    return process;
  }

  /** The process with actor-local id `pid`; an unknown id is an error for the guest. */
  get(pid: bigint): TrackedProcess {
    const process = pid <= BigInt(Number.MAX_SAFE_INTEGER) ? this.#processes.get(Number(pid)) : undefined;
    if (process === undefined) throw new HostCallError(`unknown process ${pid}`);
    return process;
  }

  /** The processes that have not exited. */
  running(): TrackedProcess[] {
    return [...this.#processes.values()].filter((process) => isRunning(process.child));
  }

  /** Every process, running or not. */
  all(): TrackedProcess[] {
    return [...this.#processes.values()];
  }
}
