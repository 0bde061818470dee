/**
 * Signed checkpoints: the node's Ed25519 signature over an actor's chain head at a given seq. A checkpoint makes
 * tampering that rewrites the whole chain after some event (re-hashing every later event) detectable, and
 * pins the chain's length, so truncation shows.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ChainError } from './chainError.js';
import type { ChainEvent } from './eventFormat.js';
import type { NodeKey } from './nodeKey.js';

/** The checkpoint format version written into every checkpoint. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** A signed chain head: `signature = ed25519(dagCbor({ v, actor, seq, head, time, key }))`. */
export interface Checkpoint {
  readonly v: typeof CHECKPOINT_FORMAT_VERSION;
  /** The actor whose chain this is. */
  readonly actor: string;
  /** Seq of the head event. */
  readonly seq: number;
  /** Hash of the event at `seq` (32 bytes). */
  readonly head: Uint8Array;
  /** When the checkpoint was signed, ms since the epoch (an integer). */
  readonly time: number;
  /** The signer's Ed25519 public key (32 bytes). */
  readonly key: Uint8Array;
  /** Ed25519 signature (64 bytes) over `encodeCheckpointFields(checkpoint)`. */
  readonly signature: Uint8Array;
}

/** The signed fields of a checkpoint. */
export type CheckpointFields = Omit<Checkpoint, 'signature'>;

const HASH_LENGTH = 32;
const KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;
const CHECKPOINT_KEYS = ['v', 'actor', 'seq', 'head', 'time', 'key', 'signature'] as const;

/** Canonical DAG-CBOR bytes of a checkpoint's signed fields: the message the signature covers. */
export function encodeCheckpointFields(fields: CheckpointFields): Uint8Array {
  const problem = fieldsProblem(fields);
  if (problem !== undefined) throw new TypeError(problem);
  return dagCbor.encode(fieldsObject(fields));
}

/**
 * Signs the head of `actorId`'s chain, `headEvent`, with the node key at `time` (ms).
 *
 * @example
 * const checkpoint = createCheckpoint('counter-1', lastEvent, nodeKey, Date.now());
 */
export function createCheckpoint(actorId: string, headEvent: ChainEvent, nodeKey: NodeKey, time: number): Checkpoint {
  const fields: CheckpointFields = {
    v: CHECKPOINT_FORMAT_VERSION,
    actor: actorId,
    seq: headEvent.seq,
    head: Uint8Array.from(headEvent.hash),
    time,
    key: Uint8Array.from(nodeKey.publicKey),
  };
  const signature = nodeKey.sign(encodeCheckpointFields(fields));
  return { ...fields, signature: Uint8Array.from(signature) };
}

/** True when the checkpoint is well-formed and its signature is valid for its own `key` (RFC 8032, strict). */
export function verifyCheckpointSignature(checkpoint: Checkpoint): boolean {
  if (fieldsProblem(checkpoint) !== undefined || !isBytes(checkpoint.signature, SIGNATURE_LENGTH)) return false;
  try {
    return ed25519.verify(checkpoint.signature, encodeCheckpointFields(checkpoint), checkpoint.key, { zip215: false });
  } catch {
    // A key that is not a curve point is a bad signature, not a crash.
    return false;
  }
}

/** Encodes a checkpoint (all fields, signature included) as DAG-CBOR for storage or export. */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const problem = checkpointProblem(checkpoint);
  if (problem !== undefined) throw new TypeError(problem);
  return dagCbor.encode({ ...fieldsObject(checkpoint), signature: checkpoint.signature });
}

/**
 * Decodes what `encodeCheckpoint` wrote, checking its shape but not its signature (that is `verifyChain`'s job).
 * Throws a ChainError `invalid-checkpoint` when the bytes are not a checkpoint.
 */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  let decoded: unknown;
  try {
    decoded = dagCbor.decode(bytes);
  } catch (cause) {
    throw new ChainError('invalid-checkpoint', 'expected a DAG-CBOR encoded checkpoint', { cause });
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded) || decoded instanceof Uint8Array) {
    throw new ChainError('invalid-checkpoint', 'expected a checkpoint as a DAG-CBOR map');
  }
  const map = decoded as Record<string, unknown>;
  const unknownKey = Object.keys(map).find((key) => !(CHECKPOINT_KEYS as readonly string[]).includes(key));
  if (unknownKey !== undefined) throw new ChainError('invalid-checkpoint', `unexpected checkpoint field "${unknownKey}"`);
  const checkpoint = {
    v: map['v'],
    actor: map['actor'],
    seq: map['seq'],
    head: map['head'],
    time: map['time'],
    key: map['key'],
    signature: map['signature'],
  } as Checkpoint;
  const problem = checkpointProblem(checkpoint);
  if (problem !== undefined) throw new ChainError('invalid-checkpoint', problem);
  return checkpoint;
}

/** Exactly the signed fields, whatever else the object holds. */
function fieldsObject(fields: CheckpointFields): CheckpointFields {
  return { v: fields.v, actor: fields.actor, seq: fields.seq, head: fields.head, time: fields.time, key: fields.key };
}

function checkpointProblem(checkpoint: Checkpoint): string | undefined {
  return (
    fieldsProblem(checkpoint) ??
    (isBytes(checkpoint.signature, SIGNATURE_LENGTH)
      ? undefined
      : `expected signature as ${SIGNATURE_LENGTH} bytes, got ${describe(checkpoint.signature)}`)
  );
}

/** What is wrong with the signed fields, as a sentence; `undefined` when they are well-formed. */
function fieldsProblem(fields: CheckpointFields): string | undefined {
  const value: Record<string, unknown> = { ...fields };
  if (value['v'] !== CHECKPOINT_FORMAT_VERSION)
    return `expected checkpoint format version ${CHECKPOINT_FORMAT_VERSION}, got ${String(value['v'])}`;
  if (typeof value['actor'] !== 'string' || value['actor'] === '') return 'expected actor as a non-empty string';
  if (!isNonNegativeInteger(value['seq'])) return `expected seq as a non-negative integer, got ${String(value['seq'])}`;
  if (!isBytes(value['head'], HASH_LENGTH)) return `expected head as ${HASH_LENGTH} bytes, got ${describe(value['head'])}`;
  if (!isNonNegativeInteger(value['time'])) return `expected time as a non-negative integer (ms), got ${String(value['time'])}`;
  if (!isBytes(value['key'], KEY_LENGTH)) return `expected key as ${KEY_LENGTH} bytes, got ${describe(value['key'])}`;
  return undefined;
}

function isNonNegativeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length;
}

function describe(value: unknown): string {
  return value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
}
