/** Rewrites exported chain files the way a forger would, for tests: frames, header counts, re-hashed events. */
import { createEvent, decodeStoredEvent, encodeStoredEvent, type ChainEvent } from '@theater/event-chain';
import { chainFileFrames } from './chainFileFrames.js';

/** A chain file made of these frame payloads, each with its 4-byte length prefix. */
export function joinFrames(payloads: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(
    payloads.flatMap((payload) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(payload.length);
      return [length, payload];
    }),
  );
}

/**
 * The header frame with its `events` or `checkpoints` count set to `value` (below 24: one CBOR byte, in place).
 * The header is DAG-CBOR; a small unsigned integer is one byte right after its key.
 */
export function withHeaderCount(header: Uint8Array, field: 'events' | 'checkpoints', value: number): Uint8Array {
  if (value >= 24) throw new RangeError('only counts below 24 are patched in place');
  const copy = Uint8Array.from(header);
  const key = Buffer.concat([Buffer.from([0x60 + field.length]), Buffer.from(field)]);
  const at = Buffer.from(copy).indexOf(key);
  if (at < 0 || copy[at + key.length]! >= 24) throw new Error(`no one-byte ${field} count in the header`);
  copy[at + key.length] = value;
  return copy;
}

/**
 * The chain file with its first `keep` events (all by default), each event's data replaced by `change` where it
 * returns bytes, the chain re-hashed from there on, and its checkpoints stripped (header included): a forgery that
 * verifies, since nothing signs its end.
 */
export function forgedChainFile(file: Uint8Array, change: (event: ChainEvent) => Uint8Array | undefined, keep?: number): Uint8Array {
  const [header, ...rest] = chainFileFrames(file);
  const events: ChainEvent[] = [];
  for (const { bytes } of rest.slice(0, keep)) {
    // The checkpoint frames follow the events: { seq, bytes }, which is no stored event.
    const event = decodeOrUndefined(bytes);
    if (event === undefined) break;
    events.push(event);
  }
  let previous: ChainEvent | undefined;
  const forged = events.map((event) => {
    previous = createEvent(previous, { type: event.type, data: change(event) ?? event.data, time: event.time });
    return encodeStoredEvent(previous);
  });
  return joinFrames([withHeaderCount(withHeaderCount(header!.bytes, 'events', forged.length), 'checkpoints', 0), ...forged]);
}

function decodeOrUndefined(bytes: Uint8Array): ChainEvent | undefined {
  try {
    return decodeStoredEvent(bytes);
  } catch {
    return undefined;
  }
}
