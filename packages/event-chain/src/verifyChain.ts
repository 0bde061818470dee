/**
 * Chain verification: reads a chain once, in order and in constant memory, and reports the first problem found:
 * a wrong format version, a gap or reordering (seq), a broken parent link, contents that no longer match their
 * hash, or a checkpoint that is badly signed, untrusted, for another actor, past the end (truncation) or naming
 * a different head.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { type Checkpoint, decodeCheckpoint, verifyCheckpointSignature } from './checkpoint.js';
import type { StoredCheckpoint } from './chainStore.js';
import { bytesEqual } from './bytesEqual.js';
import { sha256Into } from './sha256.js';
import { createEventFieldsEncoder, type ChainEvent } from './eventFormat.js';
import { DecodedEvent } from './decodedEvent.js';

/** The verdict: the number of events checked, or the index of the first problem and a sentence describing it. */
export type VerifyResult = { ok: true; events: number } | { ok: false; index: number; reason: string };

/** What to check besides the events' own hashes and links. */
export interface VerifyOptions {
  /** Signed chain heads; each must be validly signed and match the event at its seq. */
  readonly checkpoints?: readonly Checkpoint[];
  /** When given, every checkpoint must be signed by one of these Ed25519 public keys. */
  readonly trustedKeys?: readonly Uint8Array[];
  /** When given, every checkpoint must name this actor. */
  readonly actorId?: string;
}

type Failure = { ok: false; index: number; reason: string };

const HASH_LENGTH = 32;
const PREFIX_BYTES = 4;

/**
 * Verifies a chain given as a (sync or async) iterable of events in order, without holding it in memory.
 *
 * @example
 * const result = await verifyChain(store.events(actorId), { checkpoints, trustedKeys: [nodeKey.publicKey] });
 * if (!result.ok) console.error(`event ${result.index}: ${result.reason}`);
 */
export async function verifyChain(
  events: Iterable<ChainEvent> | AsyncIterable<ChainEvent>,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const verifier = createChainVerifier(options);
  if (Symbol.asyncIterator in events) {
    for await (const event of events) {
      const failure = verifier.push(event);
      if (failure !== undefined) return failure;
    }
  } else {
    // A sync iterable is walked without awaiting each event: a microtask per event would halve the rate.
    for (const event of events) {
      const failure = verifier.push(event);
      if (failure !== undefined) return failure;
    }
  }
  return verifier.end();
}

/**
 * Verifies a chain against checkpoints as stored (opaque bytes at a seq), as `ChainStore.checkpoints` and chain files
 * hold them. A checkpoint whose bytes do not decode, or that names another seq than the one it is stored at, fails
 * verification at that seq; the verdict is the first problem in chain order.
 */
export async function verifyWithStoredCheckpoints(
  events: Iterable<ChainEvent> | AsyncIterable<ChainEvent>,
  stored: readonly StoredCheckpoint[],
  options: Omit<VerifyOptions, 'checkpoints'> = {},
): Promise<VerifyResult> {
  const checkpoints: Checkpoint[] = [];
  let firstBad: Failure | undefined;
  for (const { seq, bytes } of stored) {
    let checkpoint: Checkpoint;
    try {
      checkpoint = decodeCheckpoint(bytes);
    } catch (error) {
      firstBad = {
        ok: false,
        index: seq,
        reason: `checkpoint at seq ${seq} cannot be decoded: ${error instanceof Error ? error.message : String(error)}`,
      };
      break;
    }
    if (checkpoint.seq !== seq) {
      firstBad = { ok: false, index: seq, reason: `checkpoint stored at seq ${seq} signs seq ${checkpoint.seq}` };
      break;
    }
    checkpoints.push(checkpoint);
  }
  const verified = await verifyChain(events, { ...options, checkpoints });
  // A bad checkpoint is a problem at its seq, reported like the others in chain order.
  return firstBad !== undefined && (verified.ok || firstBad.index < verified.index) ? firstBad : verified;
}

/** A verification in progress, fed one event at a time (what {@link verifyChain} runs over its iterable). */
export interface ChainVerifier {
  /** Checks the next event; returns the failure, if any (the verification then ends). */
  push(event: ChainEvent): { ok: false; index: number; reason: string } | undefined;
  /** Checks what only the end of the chain can tell (checkpoints past it). */
  end(): VerifyResult;
}

/**
 * Starts a verification to which the caller feeds the chain's events in order, for readers that consume a chain for
 * something else at the same time (replay verifies what it replays as it reads).
 * @example
 * const verifier = createChainVerifier();
 * for (const event of events) {
 *   const failure = verifier.push(event);
 *   if (failure !== undefined) throw new Error(failure.reason);
 * }
 */
export function createChainVerifier(options: VerifyOptions = {}): ChainVerifier {
  const checkpoints = sortedCheckpoints(options.checkpoints ?? []);
  const { trustedKeys, actorId } = options;
  const encode = createEventFieldsEncoder();
  let count = 0;
  // The computed hashes of this event and the previous one, in two arrays of the verifier's own, swapped per event:
  // comparing bytes with bytes is 2-3x faster than comparing them with the digest string's chars.
  let computed = new Uint8Array(HASH_LENGTH);
  let previousHash = new Uint8Array(HASH_LENGTH);
  let hasPrevious = false;
  let previousVersion = 1;
  let nextCheckpoint = 0;

  function checkCheckpoint(checkpoint: Checkpoint, eventHash: Uint8Array | undefined): Failure | undefined {
    const seq = checkpoint.seq;
    if (!verifyCheckpointSignature(checkpoint)) return fail(seq, `checkpoint at seq ${seq} has a bad signature`);
    if (trustedKeys !== undefined && !trustedKeys.some((key) => bytesEqual(key, checkpoint.key))) {
      return fail(seq, `checkpoint at seq ${seq} is signed by an untrusted key ${prefix(checkpoint.key)}`);
    }
    if (actorId !== undefined && checkpoint.actor !== actorId) {
      return fail(seq, `checkpoint at seq ${seq} is for actor "${checkpoint.actor}", expected "${actorId}"`);
    }
    if (eventHash === undefined) {
      return fail(count, `the chain is truncated: it ends after ${count} events, but a checkpoint signs event ${seq}`);
    }
    if (!bytesEqual(checkpoint.head, eventHash)) {
      const [signed, actual] = contrast(checkpoint.head, eventHash);
      return fail(seq, `checkpoint at seq ${seq} signs head ${signed}, but event ${seq} has hash ${actual}`);
    }
    return undefined;
  }

  function push(event: ChainEvent): Failure | undefined {
    const index = count;
    if (typeof event !== 'object' || event === null) return fail(index, `event ${index} is malformed: expected an event object`);
    if (event.v !== 1 && event.v !== 2) {
      return fail(index, `event ${index} has format version ${String(event.v)}, expected 1 or 2`);
    }
    if (event.v < previousVersion) {
      return fail(index, `event ${index} has format version ${event.v} after a version ${previousVersion} event: a chain never moves back`);
    }
    if (event.seq !== index) {
      return fail(
        index,
        `event at index ${index} has seq ${String(event.seq)}, expected ${index}: an event was inserted, dropped or reordered`,
      );
    }
    // An event decoded from stored bytes carries them (and was checked when decoded): hashing them is what proves
    // the stored chain unchanged. Any other event is checked and encoded here.
    let encoded = DecodedEvent.fieldsOf(event);
    if (encoded === undefined) {
      const problem = shapeProblem(event);
      if (problem !== undefined) return fail(index, `event ${index} is malformed: ${problem}`);
      encoded = encode(event);
    }
    const parent = event.parent;
    if (!hasPrevious) {
      if (parent !== null) return fail(index, `event 0 has parent ${prefix(parent)}, expected none`);
    } else if (parent === null) {
      return fail(index, `event ${index} has no parent, expected the hash of event ${index - 1} (${prefix(previousHash)})`);
    } else if (!hashEqual(parent, previousHash)) {
      const [given, expected] = contrast(parent, previousHash);
      return fail(index, `event ${index} has parent ${given}, expected the hash of event ${index - 1} (${expected})`);
    }
    // Into `computed`: no buffer allocated per event.
    sha256Into(encoded, computed);
    if (!hashEqual(computed, event.hash)) {
      const [recorded, actual] = contrast(event.hash, computed);
      return fail(index, `event ${index} does not match its hash: recorded ${recorded}, computed ${actual} from its contents`);
    }
    const free = previousHash;
    previousHash = computed;
    computed = free;
    hasPrevious = true;
    previousVersion = event.v;
    count = index + 1;
    while (nextCheckpoint < checkpoints.length) {
      const checkpoint = checkpoints[nextCheckpoint]!;
      if (checkpoint.seq !== index) break;
      nextCheckpoint += 1;
      const failure = checkCheckpoint(checkpoint, previousHash.slice());
      if (failure !== undefined) return failure;
    }
    return undefined;
  }

  function end(): VerifyResult {
    while (nextCheckpoint < checkpoints.length) {
      const failure = checkCheckpoint(checkpoints[nextCheckpoint]!, undefined);
      nextCheckpoint += 1;
      if (failure !== undefined) return failure;
    }
    return { ok: true, events: count };
  }

  return { push, end };
}

function sortedCheckpoints(checkpoints: readonly Checkpoint[]): Checkpoint[] {
  checkpoints.forEach((checkpoint, i) => {
    if (!Number.isSafeInteger(checkpoint.seq) || checkpoint.seq < 0) {
      throw new TypeError(`expected checkpoints[${i}].seq as a non-negative integer, got ${String(checkpoint.seq)}`);
    }
  });
  return [...checkpoints].sort((a, b) => a.seq - b.seq);
}

/** What is wrong with an event's fields besides `v` and `seq`, as in `eventFormat.ts`; `undefined` when nothing. */
function shapeProblem(event: ChainEvent): string | undefined {
  const { parent, type, data, time, hash } = event;
  if (parent !== null && !(parent instanceof Uint8Array && parent.length === HASH_LENGTH))
    return 'expected parent as null or a 32-byte hash';
  if (typeof type !== 'string' || type === '') return 'expected type as a non-empty string';
  if (!(data instanceof Uint8Array)) return 'expected data as a Uint8Array';
  if (!Number.isSafeInteger(time) || time < 0) return `expected time as a non-negative integer (ms), got ${String(time)}`;
  if (!(hash instanceof Uint8Array && hash.length === HASH_LENGTH)) return 'expected hash as 32 bytes';
  return undefined;
}

function hashEqual(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < HASH_LENGTH; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A short hex prefix of a hash or key, for reasons people read. */
function prefix(bytes: Uint8Array): string {
  return `${bytesToHex(bytes.subarray(0, PREFIX_BYTES))}…`;
}

/** Two differing hashes as a reader can tell them apart: short prefixes, or in full when the prefixes are the same. */
function contrast(a: Uint8Array, b: Uint8Array): [string, string] {
  const [shortA, shortB] = [prefix(a), prefix(b)];
  return shortA === shortB ? [bytesToHex(a), bytesToHex(b)] : [shortA, shortB];
}

function fail(index: number, reason: string): Failure {
  return { ok: false, index, reason };
}
