import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCheckpoint,
  decodeStoredEvent,
  encodeCheckpoint,
  loadOrCreateNodeKey,
  openChainStore,
  type EventInput,
  type ChainStore,
  type NodeKey,
} from '@theater/event-chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainVerifyJson } from '../src/lib/verifyChainFileAt.js';
import { chainFileFrames as frames } from './helpers/chainFileFrames.js';
import { forgedChainFile, joinFrames, withHeaderCount } from './helpers/rewriteChainFile.js';
import { runTheater } from './helpers/runTheater.js';
import { createTempDir } from './helpers/tempDir.js';

const EVENTS = 20;
const TAMPERED_EVENT = 7;

let dir: Awaited<ReturnType<typeof createTempDir>>;
let nodeKey: NodeKey;
let strangerKey: NodeKey;
/** A valid export of `counter`: EVENTS events, signed checkpoints at seqs 9 and 19. */
let validFile: string;
let validBytes: Uint8Array;

beforeAll(async () => {
  dir = await createTempDir('chain-verify');
  nodeKey = await loadOrCreateNodeKey(join(dir.path, 'keys'));
  strangerKey = await loadOrCreateNodeKey(join(dir.path, 'stranger-keys'));
  await using store = await openChainStore(join(dir.path, 'store'));
  for (const actor of ['counter', 'forged']) {
    const first = await store.append(actor, inputs(0, 10));
    await checkpoint(store, actor, first.at(-1)!.seq, actor === 'forged');
    const second = await store.append(actor, inputs(10, 10));
    await checkpoint(store, actor, second.at(-1)!.seq, false);
  }
  validFile = join(dir.path, 'counter.chain');
  validBytes = await exportTo(store, 'counter', validFile);
  await exportTo(store, 'forged', join(dir.path, 'forged.chain'));
});

afterAll(async () => {
  await dir.remove();
});

const verify = (...argv: string[]) => runTheater(['chain', 'verify', ...argv]);

describe('theater chain verify', () => {
  it('exits 0 and prints the verdict for a valid chain file', async () => {
    const { stdout, stderr, exitCode } = await verify(validFile);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(stdout).toBe(
      `✓ chain of counter: ${EVENTS} events, 2 signed checkpoints verified\n` +
        "! nothing vouches for the chain's end: its checkpoints' signers were not checked (--trust <public-key-hex> requires the head signed by that key)\n",
    );
  });

  it('accepts the chain when its checkpoints are signed by a trusted key', async () => {
    const { stdout, exitCode } = await verify(validFile, '--trust', hex(strangerKey.publicKey), '--trust', hex(nodeKey.publicKey));
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`✓ chain of counter: ${EVENTS} events, 2 signed checkpoints verified\n`);
  });

  it('exits 1 with --trust when the checkpoints were stripped, naming how many events are unsigned', async () => {
    const file = join(dir.path, 'stripped.chain');
    await writeFile(
      file,
      forgedChainFile(validBytes, () => undefined),
    );
    const { stdout, stderr, exitCode } = await verify(file, '--trust', hex(nodeKey.publicKey));
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `✗ chain of counter is invalid at event 0: the chain's head is not signed: its last ${EVENTS} events (from event 0) are covered by no checkpoint signed by a trusted key\n`,
    );
    const json = await verify(file, '--trust', hex(nodeKey.publicKey), '--json');
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      events: EVENTS,
      checkpoints: 0,
      index: 0,
      unsignedEvents: EVENTS,
    } satisfies Partial<ChainVerifyJson>);
  });

  it('exits 1 with --trust when the chain was cut after a checkpoint, naming the unsigned tail', async () => {
    const all = frames(validBytes);
    // Events 0..14 and the checkpoint at seq 9: the checkpoint at 19 went with the events it signed.
    const header = withHeaderCount(withHeaderCount(all[0]!.bytes, 'events', 15), 'checkpoints', 1);
    const file = join(dir.path, 'cut.chain');
    await writeFile(file, joinFrames([header, ...all.slice(1, 16).map((frame) => frame.bytes), all[EVENTS + 1]!.bytes]));
    const trusted = await verify(file, '--trust', hex(nodeKey.publicKey));
    expect(trusted.exitCode).toBe(1);
    expect(trusted.stderr).toBe(
      "✗ chain of counter is invalid at event 10: the chain's head is not signed: its last 5 events (from event 10) are covered by no checkpoint signed by a trusted key\n",
    );

    const cutBare = join(dir.path, 'cut-bare.chain');
    await writeFile(
      cutBare,
      forgedChainFile(validBytes, () => undefined, 8),
    );
    const bare = await verify(cutBare, '--trust', hex(nodeKey.publicKey));
    expect(bare.exitCode).toBe(1);
    expect(bare.stderr).toMatch(/^✗ chain of counter is invalid at event 0: the chain's head is not signed: its last 8 events/u);
  });

  it('says without --trust that nothing vouches for the end of a chain whose checkpoints were stripped', async () => {
    const file = join(dir.path, 'stripped-bare.chain');
    await writeFile(
      file,
      forgedChainFile(validBytes, () => undefined),
    );
    const { stdout, exitCode } = await verify(file);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(
      `✓ chain of counter: ${EVENTS} events, 0 signed checkpoints verified\n` +
        "! nothing vouches for the chain's end: no checkpoint covers any of its events (--trust <public-key-hex> requires the head signed by that key)\n",
    );
    const json = await verify(file, '--json');
    expect(JSON.parse(json.stdout)).toEqual({
      file,
      actor: 'counter',
      ok: true,
      events: EVENTS,
      checkpoints: 0,
      unsignedEvents: EVENTS,
      headVouched: false,
    } satisfies ChainVerifyJson);
  });

  it('exits 1 naming the event whose data had one byte flipped', async () => {
    const copy = Uint8Array.from(validBytes);
    // Event k is frame k + 1; its data is found in the frame by decoding it, not by a guessed offset.
    const { start, bytes } = frames(copy)[TAMPERED_EVENT + 1]!;
    const data = Buffer.from(decodeStoredEvent(bytes).data);
    const at = Buffer.from(bytes).indexOf(data);
    expect(at).toBeGreaterThan(0);
    expect(Buffer.from(bytes).lastIndexOf(data)).toBe(at);
    copy[start + at + 3] = copy[start + at + 3]! ^ 0x20;
    const file = join(dir.path, 'flipped.chain');
    await writeFile(file, copy);

    const { stdout, stderr, exitCode } = await verify(file);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(
        `^✗ chain of counter is invalid at event ${TAMPERED_EVENT}: event ${TAMPERED_EVENT} does not match its hash: recorded [0-9a-f]{8}…, computed [0-9a-f]{8}… from its contents\\n$`,
        'u',
      ),
    );
    expect(stderr).not.toMatch(/^\s+at /mu);
  });

  it('exits 1 when a checkpoint signature is forged', async () => {
    const { stderr, exitCode } = await verify(join(dir.path, 'forged.chain'));
    expect(exitCode).toBe(1);
    expect(stderr).toBe('✗ chain of forged is invalid at event 9: checkpoint at seq 9 has a bad signature\n');
  });

  it('exits 1 when the checkpoints are signed by a key that is not trusted', async () => {
    const { stderr, exitCode } = await verify(validFile, '--trust', hex(strangerKey.publicKey));
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^✗ chain of counter is invalid at event 9: checkpoint at seq 9 is signed by an untrusted key [0-9a-f]{8}…\n$/u);
  });

  it('prints the verdict as JSON with --json', async () => {
    const valid = await verify(validFile, '--json');
    expect(valid.exitCode).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual({
      file: validFile,
      actor: 'counter',
      ok: true,
      events: EVENTS,
      checkpoints: 2,
      unsignedEvents: 0,
      headVouched: false,
    } satisfies ChainVerifyJson);
    const trusted = await verify(validFile, '--trust', hex(nodeKey.publicKey), '--json');
    expect(JSON.parse(trusted.stdout)).toMatchObject({ ok: true, unsignedEvents: 0, headVouched: true } satisfies Partial<ChainVerifyJson>);

    const untrusted = await verify(validFile, '--trust', hex(strangerKey.publicKey), '--json');
    expect(untrusted.exitCode).toBe(1);
    expect(untrusted.stderr).toBe('');
    const json = JSON.parse(untrusted.stdout) as ChainVerifyJson;
    expect(json).toMatchObject({ file: validFile, actor: 'counter', ok: false, events: EVENTS, checkpoints: 2, index: 9 });
    expect(json.reason).toMatch(/^checkpoint at seq 9 is signed by an untrusted key/u);
  });

  it('exits 2 with invalid-chain-file for a file that is not a chain file', async () => {
    const file = join(dir.path, 'garbage.chain');
    await writeFile(file, 'hello, this is not a chain file');
    const { stdout, stderr, exitCode } = await verify(file);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `invalid-chain-file: ${file}: invalid chain file: header at byte 0 declares 1751477356 bytes, more than its limit of 65536\n`,
    );

    const json = await verify(file, '--json');
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'invalid-chain-file', file } });
  });

  it('exits 2 with invalid-chain-file for a truncated file', async () => {
    const file = join(dir.path, 'truncated.chain');
    await writeFile(file, validBytes.subarray(0, validBytes.length - 10));
    const { stderr, exitCode } = await verify(file);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^invalid-chain-file: .*truncated: checkpoint 1 at byte \d+ declares \d+ bytes but only \d+ remain\n$/u);
  });

  it('exits 2 when the file does not exist or cannot be read', async () => {
    const missing = join(dir.path, 'missing.chain');
    const notFound = await verify(missing);
    expect(notFound.exitCode).toBe(2);
    expect(notFound.stderr).toBe(`file-not-found: no chain file at ${missing}\n`);

    const directory = await verify(dir.path);
    expect(directory.exitCode).toBe(2);
    expect(directory.stderr).toBe(`file-unreadable: ${dir.path} is not a regular file\n`);
  });

  it('exits 2 at once for a FIFO, in chain verify and replay, instead of waiting for a writer', async () => {
    const fifo = join(dir.path, 'waiting.chain');
    execFileSync('mkfifo', [fifo]);
    for (const argv of [
      ['chain', 'verify', fifo],
      ['replay', fifo],
    ]) {
      const { stderr, exitCode } = await runTheater(argv);
      expect(exitCode, argv.join(' ')).toBe(2);
      expect(stderr, argv.join(' ')).toBe(`file-unreadable: ${fifo} is not a regular file\n`);
    }
  }, 30_000);

  it('exits 2 for a --trust value that is not a public key', async () => {
    const { stderr, exitCode } = await verify(validFile, '--trust', 'abc');
    expect(exitCode).toBe(2);
    expect(stderr).toBe('invalid-public-key: expected --trust as an Ed25519 public key in hex (64 hex digits), got "abc"\n');
  });
});

function inputs(start: number, count: number): EventInput[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'test.tick',
    data: new TextEncoder().encode(JSON.stringify({ step: start + i, note: `event number ${start + i}` })),
    time: 1_700_000_000_000 + (start + i) * 1000,
  }));
}

/** Signs the actor's event at `seq` and stores the checkpoint; `forge` flips a bit of the signature first. */
async function checkpoint(store: ChainStore, actor: string, seq: number, forge: boolean): Promise<void> {
  const [head] = await store.read(actor, { from: seq, limit: 1 });
  const signed = createCheckpoint(actor, head!, nodeKey, 1_700_000_500_000 + seq);
  const signature = Uint8Array.from(signed.signature);
  if (forge) signature[0] = signature[0]! ^ 0x01;
  await store.putCheckpoint(actor, seq, encodeCheckpoint({ ...signed, signature }));
}

async function exportTo(store: ChainStore, actor: string, file: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of store.exportChain(actor)) chunks.push(chunk);
  await writeFile(file, chunks);
  return new Uint8Array(await readFile(file));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
