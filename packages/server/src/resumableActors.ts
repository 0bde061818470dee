/**
 * The actors a server must bring back after it stops or is killed: every actor it started (or that its actors
 * started) and nobody stopped. Kept in `<home>/server-actors.jsonl`, an append-only journal of `{"add": id}` and
 * `{"remove": id}` lines, each made durable (fdatasync) before the spawn that caused it goes on, so an actor whose
 * start was acknowledged is never missing after `kill -9`. Compacted to one `add` line per actor when opened.
 *
 * An actor the server stops while shutting down stays in the set: it was interrupted, not stopped by anyone.
 */
import { closeSync, fdatasyncSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'server-actors.jsonl';
const OWNER_ONLY = 0o600;

export class ResumableActors {
  readonly #path: string;
  readonly #ids: Set<string>;
  /** Actors being restarted or resumed: an instance of theirs ending meanwhile does not take them out. */
  readonly #held = new Map<string, number>();
  #fd: number | undefined;

  /** Opens (and compacts) the home's journal; a torn last line from a crash is dropped. */
  constructor(home: string) {
    this.#path = join(home, FILE);
    this.#ids = readJournal(this.#path);
    const temporary = `${this.#path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', OWNER_ONLY);
    try {
      writeSync(fd, [...this.#ids].map((id) => `${JSON.stringify({ add: id })}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.#path);
    this.#fd = openSync(this.#path, 'a', OWNER_ONLY);
  }

  /** The actors to bring back, in the order they were first added. */
  ids(): string[] {
    return [...this.#ids];
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    if (this.#ids.has(id)) return;
    this.#append({ add: id });
    this.#ids.add(id);
  }

  /** An instance of `id` stopped or failed: it leaves the set, unless a restart or resume of it is under way. */
  ended(id: string): void {
    if (!this.#held.has(id)) this.remove(id);
  }

  /** Runs `work` (a restart or resume of `id`) with `id` kept in the set whatever its instances do meanwhile. */
  async holding<T>(id: string, work: () => Promise<T>): Promise<T> {
    this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const count = this.#held.get(id)! - 1;
      if (count === 0) this.#held.delete(id);
      else this.#held.set(id, count);
    }
  }

  remove(id: string): void {
    if (!this.#ids.has(id)) return;
    this.#append({ remove: id });
    this.#ids.delete(id);
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #append(entry: { add: string } | { remove: string }): void {
    if (this.#fd === undefined) throw new Error('the resumable-actor journal is closed');
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    fdatasyncSync(this.#fd);
  }
}

function readJournal(path: string): Set<string> {
  const ids = new Set<string>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ids;
    throw error;
  }
  for (const line of text.split('\n')) {
    let entry: { add?: unknown; remove?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // an empty line, or the torn last line of a write cut by a crash
    }
    if (typeof entry.add === 'string') ids.add(entry.add);
    else if (typeof entry.remove === 'string') ids.delete(entry.remove);
  }
  return ids;
}
