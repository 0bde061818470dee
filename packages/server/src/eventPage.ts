/**
 * A page of an actor's events for `GET /v1/actors/:id/events`: up to `limit` events (and about 8 MiB of data) of the
 * wanted types from a seq,
 * and the cursor where the next page starts. With a type filter the store is read in batches until the page is full,
 * so a page holds matching events only; a scan is bounded, so a rare type over a long chain cannot hold a request
 * for ever (the page then comes back shorter, with its cursor).
 */
import { matchesAnyType, type ChainEvent } from '@theater/event-chain';
import type { ActorSystem } from '@theater/kernel';

/** Events per page unless `limit` says otherwise, and the most a page holds (a larger limit is cut to it). */
export const DEFAULT_PAGE_LIMIT = 1000;
export const MAX_PAGE_LIMIT = 10_000;
/**
 * Event data a page holds at most (at least one event): every `wasm.result` carries the actor's whole state, so a
 * count alone does not bound a page.
 */
const MAX_PAGE_BYTES = 8 * 2 ** 20;
/** Events read from the store per batch, and at most per request. */
const SCAN_BATCH = 1000;
const MAX_SCANNED = 100_000;

/** What to read. */
export interface PageRequest {
  readonly from: number;
  /** Exclusive; undefined: up to the head. */
  readonly to: number | undefined;
  readonly limit: number;
  /** Type patterns (see `matchesType`); empty: every type. */
  readonly types: readonly string[];
}

/** The events read, and the seq to pass as `from` for the next page (undefined: the page reached the head or `to`). */
export interface Page {
  readonly events: ChainEvent[];
  readonly next: number | undefined;
}

/** Reads one page of `actorId`'s events (a live actor's, or a stored one's). */
export async function readEventPage(system: ActorSystem, actorId: string, request: PageRequest): Promise<Page> {
  const limit = Math.min(Math.max(1, request.limit), MAX_PAGE_LIMIT);
  const end = request.to ?? Infinity;
  const events: ChainEvent[] = [];
  let bytes = 0;
  let cursor = request.from;
  for (let scanned = 0; cursor < end; ) {
    if (scanned >= MAX_SCANNED) return { events, next: cursor };
    const batch = await system.events(actorId, range(cursor, end, SCAN_BATCH));
    scanned += batch.length;
    for (const event of batch) {
      cursor = event.seq + 1;
      if (request.types.length > 0 && !matchesAnyType(event.type, request.types)) continue;
      events.push(event);
      bytes += event.data.byteLength;
      if (events.length === limit || bytes >= MAX_PAGE_BYTES) {
        const more = event !== batch.at(-1) || batch.length === SCAN_BATCH;
        return { events, next: more && cursor < end ? cursor : undefined };
      }
    }
    if (batch.length < SCAN_BATCH) break;
  }
  return { events, next: undefined };
}

/** The number of events in `actorId`'s chain (its head's seq + 1). */
export async function chainLength(system: ActorSystem, actorId: string): Promise<number> {
  // Reading nothing checks the actor exists and, for a live one, writes what it recorded so far.
  await system.events(actorId, { limit: 0 });
  const head = await (await system.chainStore()).head(actorId);
  if (head !== undefined) return head.seq + 1;
  // A live actor whose chain is kept in memory only (save_chain = false): find the end by bisection.
  let low = 0;
  let high = 1;
  while ((await system.events(actorId, { from: high - 1, limit: 1 })).length === 1) high *= 2;
  // Invariant: an event at low - 1 exists (or low = 0); none at high - 1.
  while (low < high - 1) {
    const middle = Math.floor((low + high) / 2);
    if ((await system.events(actorId, { from: middle - 1, limit: 1 })).length === 1) low = middle;
    else high = middle;
  }
  return low;
}

function range(from: number, end: number, limit: number): { from: number; to?: number; limit: number } {
  return end === Infinity ? { from, limit } : { from, to: end, limit };
}
