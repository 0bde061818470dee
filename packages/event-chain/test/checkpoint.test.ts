import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dagCbor from '@ipld/dag-cbor';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChainError } from '../src/chainError.js';
import {
  type Checkpoint,
  createCheckpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  encodeCheckpointFields,
  verifyCheckpointSignature,
} from '../src/checkpoint.js';
import { createEvent, type ChainEvent } from '../src/eventFormat.js';
import { type NodeKey, loadOrCreateNodeKey } from '../src/nodeKey.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const flipped = (bytes: Uint8Array, at = 0): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

describe('checkpoints', () => {
  let home: string;
  let nodeKey: NodeKey;
  let otherKey: NodeKey;
  let head: ChainEvent;
  let checkpoint: Checkpoint;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'theater-checkpoint-'));
    // A fixed secret key makes the signature a test vector (Ed25519 signatures are deterministic).
    await mkdir(join(home, 'keys'), { mode: 0o700 });
    await writeFile(join(home, 'keys', 'node.key'), new Uint8Array(32).fill(7), { mode: 0o600 });
    nodeKey = await loadOrCreateNodeKey(join(home, 'keys'));
    otherKey = await loadOrCreateNodeKey(join(home, 'other-keys'));
    head = createEvent(undefined, { type: 'actor.spawn', data: text('{"name":"counter"}'), time: 1_700_000_000_000, v: 1 });
    checkpoint = createCheckpoint('counter-1', head, nodeKey, 1_700_000_000_003);
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('names the actor, the head event and the signer', () => {
    expect(checkpoint).toEqual({
      v: 1,
      actor: 'counter-1',
      seq: 0,
      head: head.hash,
      time: 1_700_000_000_003,
      key: nodeKey.publicKey,
      signature: checkpoint.signature,
    });
  });

  it('signs the canonical DAG-CBOR encoding of its fields (test vector)', () => {
    expect(bytesToHex(encodeCheckpointFields(checkpoint))).toBe(
      'a6617601636b65795820ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c637365710064686561645820' +
        '5cbc65f0f84735b66734a2c5827f46e8bf22149e1a46c7de0886cf00caf89d7a6474696d651b0000018bcfe56803656163746f7269' +
        '636f756e7465722d31',
    );
    expect(bytesToHex(checkpoint.signature)).toBe(
      '9ea9a619b921910f85cc5cad92bbc80d3f92381ef761ee8ff1371e68eb1bdd4f2545e2c9b4d1a128c8039d08963717d05f0346633a643a332589ee51846b180d',
    );
  });

  it('carries a signature that verifies with @noble/curves and with verifyCheckpointSignature', () => {
    expect(ed25519.verify(checkpoint.signature, encodeCheckpointFields(checkpoint), nodeKey.publicKey)).toBe(true);
    expect(verifyCheckpointSignature(checkpoint)).toBe(true);
  });

  it('round-trips through its DAG-CBOR encoding', () => {
    const decoded = decodeCheckpoint(encodeCheckpoint(checkpoint));

    expect(decoded).toEqual(checkpoint);
    expect(verifyCheckpointSignature(decoded)).toBe(true);
  });

  it('fails signature verification when any field is altered', () => {
    const altered: Record<string, Checkpoint> = {
      v: { ...checkpoint, v: 2 as unknown as 1 },
      actor: { ...checkpoint, actor: 'counter-2' },
      seq: { ...checkpoint, seq: 1 },
      head: { ...checkpoint, head: flipped(checkpoint.head, 31) },
      time: { ...checkpoint, time: checkpoint.time + 1 },
      key: { ...checkpoint, key: otherKey.publicKey },
      signature: { ...checkpoint, signature: flipped(checkpoint.signature, 10) },
      truncatedSignature: { ...checkpoint, signature: checkpoint.signature.subarray(0, 63) },
      notAPoint: { ...checkpoint, key: new Uint8Array(32).fill(0xff) },
    };

    const verdicts = Object.fromEntries(Object.entries(altered).map(([name, value]) => [name, verifyCheckpointSignature(value)]));

    expect(verdicts).toEqual({
      v: false,
      actor: false,
      seq: false,
      head: false,
      time: false,
      key: false,
      signature: false,
      truncatedSignature: false,
      notAPoint: false,
    });
  });

  it('fails signature verification when re-signed by another key but naming the node key', () => {
    const forged = { ...checkpoint, signature: otherKey.sign(encodeCheckpointFields(checkpoint)) };

    expect(verifyCheckpointSignature(forged)).toBe(false);
  });

  it('refuses bytes that are not a checkpoint with invalid-checkpoint', () => {
    const { signature: _signature, ...unsigned } = checkpoint;
    const cases: Array<[Uint8Array, string]> = [
      [text('not cbor'), 'expected a DAG-CBOR encoded checkpoint'],
      [dagCbor.encode([1, 2, 3]), 'expected a checkpoint as a DAG-CBOR map'],
      [dagCbor.encode(unsigned), 'expected signature as 64 bytes, got undefined'],
      [dagCbor.encode({ ...checkpoint, head: checkpoint.head.subarray(0, 31) }), 'expected head as 32 bytes, got 31 bytes'],
      [dagCbor.encode({ ...checkpoint, v: 2 }), 'expected checkpoint format version 1, got 2'],
      [dagCbor.encode({ ...checkpoint, actor: '' }), 'expected actor as a non-empty string'],
      [dagCbor.encode({ ...checkpoint, seq: -1 }), 'expected seq as a non-negative integer, got -1'],
      [dagCbor.encode({ ...checkpoint, note: 'hi' }), 'unexpected checkpoint field "note"'],
    ];

    for (const [bytes, message] of cases) {
      const error: unknown = (() => {
        try {
          decodeCheckpoint(bytes);
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(isChainError(error, 'invalid-checkpoint')).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });

  it('refuses to create a checkpoint from malformed input with TypeError', () => {
    expect(() => createCheckpoint('', head, nodeKey, 1)).toThrow(new TypeError('expected actor as a non-empty string'));
    expect(() => createCheckpoint('counter-1', head, nodeKey, 1.5)).toThrow(
      new TypeError('expected time as a non-negative integer (ms), got 1.5'),
    );
  });
});
