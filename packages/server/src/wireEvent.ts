/** Chain events as the API sends them: every field, hashes and data in base64, so a client can verify the chain. */
import type { ChainEvent } from '@theater/event-chain';

/** A chain event on the wire (the client's `WireEvent`). */
export interface WireEvent {
  /** The event format version (1: data is JSON, 2: data is binary; see @theater/event-chain). */
  readonly v: 1 | 2;
  readonly seq: number;
  readonly parent: string | null;
  readonly type: string;
  readonly data: string;
  /** ms since the epoch. */
  readonly time: number;
  readonly hash: string;
}

/** The wire form of `event`. */
export function toWireEvent(event: ChainEvent): WireEvent {
  return {
    v: event.v,
    seq: event.seq,
    parent: event.parent === null ? null : base64(event.parent),
    type: event.type,
    data: base64(event.data),
    time: event.time,
    hash: base64(event.hash),
  };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The JSON schema of a WireEvent, for route responses and the OpenAPI description. */
export const wireEventSchema = {
  type: 'object',
  required: ['v', 'seq', 'parent', 'type', 'data', 'time', 'hash'],
  properties: {
    v: { type: 'integer', enum: [1, 2] },
    seq: { type: 'integer', minimum: 0 },
    parent: { type: ['string', 'null'], contentEncoding: 'base64', description: 'SHA-256 of the previous event; null for the first' },
    type: { type: 'string' },
    data: { type: 'string', contentEncoding: 'base64' },
    time: { type: 'number', description: 'ms since the epoch' },
    hash: { type: 'string', contentEncoding: 'base64', description: 'SHA-256 of the event' },
  },
} as const;
