/**
 * An event decoded from stored bytes laid out canonically, carrying the encoding of its hashed fields, so that
 * verification hashes exactly the bytes that were stored instead of encoding the fields again (which cost as much
 * as the hash itself).
 *
 * That is only sound while the object cannot say anything its bytes do not: its byte fields (`data`, `parent`,
 * `hash`) are views of the stored bytes, so changing their contents changes what is hashed, and the object is
 * frozen, so no field can be replaced. Only the decoder makes one (after checking the layout is canonical: the
 * carried bytes are then exactly `encodeEventFields(event)`); a copy (spread, structured clone, JSON) is a plain
 * object, which verification encodes again.
 */
import type { ChainEvent, EventFormatVersion } from './eventFormat.js';

export class DecodedEvent implements ChainEvent {
  readonly v: EventFormatVersion;
  readonly seq: number;
  readonly parent: Uint8Array | null;
  readonly type: string;
  readonly data: Uint8Array;
  readonly time: number;
  readonly hash: Uint8Array;
  readonly #fields: Uint8Array;

  /** `parent`, `data` and `hash` must be views of the stored bytes, and `fields` the canonical encoding of the rest. */
  constructor(
    v: EventFormatVersion,
    seq: number,
    parent: Uint8Array | null,
    type: string,
    data: Uint8Array,
    time: number,
    hash: Uint8Array,
    fields: Uint8Array,
  ) {
    this.v = v;
    this.seq = seq;
    this.parent = parent;
    this.type = type;
    this.data = data;
    this.time = time;
    this.hash = hash;
    this.#fields = fields;
    Object.freeze(this);
  }

  /** The stored canonical encoding of `event`'s hashed fields when it was decoded from stored bytes; else undefined. */
  static fieldsOf(event: ChainEvent): Uint8Array | undefined {
    return #fields in event ? (event as DecodedEvent).#fields : undefined;
  }
}
