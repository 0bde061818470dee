import { execFile } from 'node:child_process';
import { readFile, stat, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeStoredEvent, encodeEventData, openChainStore, type ChainEvent } from '@theater/event-chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventJson } from '../src/lib/chainEventView.js';
import type { ChainExportJson } from '../src/lib/exportChainTo.js';
import type { ReplayJson } from '../src/lib/replayTarget.js';
import type { RunJson } from '../src/lib/runJson.js';
import type { ChainVerifyJson } from '../src/lib/verifyChainFileAt.js';
import { chainFileFrames as frames } from './helpers/chainFileFrames.js';
import { forgedChainFile, joinFrames, withHeaderCount } from './helpers/rewriteChainFile.js';
import { runTheater, type TheaterResult } from './helpers/runTheater.js';
import { createTempDir } from './helpers/tempDir.js';

const COUNTER = fileURLToPath(new URL('../../../examples/counter/manifest.toml', import.meta.url));
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let temp: Awaited<ReturnType<typeof createTempDir>>;
let home: string;
/** The counter actor `theater run` ran (sent a, b, asked count) and its number of events. */
let actorId: string;
let eventCount: number;

beforeAll(async () => {
  temp = await createTempDir('chain-commands');
  home = join(temp.path, 'home');
  const run = await runTheater(['run', COUNTER, '--home', home, '--send', 'a', '--send', 'b', '--request', 'count', '--json']);
  expect(run.exitCode).toBe(0);
  const json = JSON.parse(run.stdout) as RunJson;
  actorId = json.actorId;
  eventCount = json.events;
});
afterAll(async () => {
  await temp.remove();
});

const theater = (...argv: string[]) => runTheater([...argv, '--home', home]);
const eventsJson = async (...argv: string[]): Promise<EventJson[]> => {
  const { stdout, exitCode } = await theater('events', actorId, ...argv, '--json');
  expect(exitCode).toBe(0);
  return JSON.parse(stdout) as EventJson[];
};

describe('theater events', () => {
  it('prints a table of the chain: seq, time, type and a summary of the data', async () => {
    const { stdout, stderr, exitCode } = await theater('events', actorId);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(eventCount + 2);
    expect(lines[0]).toMatch(/^seq {2}time {22}type +data$/u);
    expect(lines[1]).toMatch(
      /^ {2}0 {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}actor\.spawn +counter 0\.1\.0 · component [0-9a-f]{12}…$/u,
    );
    expect(lines[2]).toMatch(/ wasm\.call +actor#init\("[0-9a-f-]{36}"\)$/u);
    expect(stdout).toMatch(/ theater:simple\/runtime\.log +log\("message 1: a"\)\n/u);
    expect(stdout).toMatch(/ wasm\.call +message-server-client#handle-send\(b'a'\)\n/u);
    expect(stdout).toMatch(/ wasm\.result +message-server-client#handle-send → null · state b'\{"count":1\}'\n/u);
    expect(stdout).toMatch(/ wasm\.result +message-server-client#handle-request → \[b'\{"ok":2\}'\] · state b'\{"count":2\}'\n/u);
    expect(lines.at(-2)).toMatch(new RegExp(`^ *${eventCount - 1} .* actor\\.stop +by request$`, 'u'));
    expect(lines.at(-1)).toBe(`${eventCount} events · the chain has ${eventCount} events`);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(160);
  });

  it('prints the events as one JSON array with --json: hashes in hex, data decoded', async () => {
    const events = await eventsJson();
    expect(events.map((event) => event.seq)).toEqual([...Array(eventCount).keys()]);
    expect(events.slice(0, 4).map((event) => event.type)).toEqual([
      'actor.spawn',
      'wasm.call',
      'theater:simple/runtime.log',
      'wasm.result',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'actor.stop', encoding: 'json', data: { by: 'request', data: null } });
    expect(events[0]).toMatchObject({ parent: null, encoding: 'json', data: { name: 'counter', version: '0.1.0' } });
    for (const [i, event] of events.entries()) {
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/u);
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/u);
      if (i > 0) expect(event.parent).toBe(events[i - 1]!.hash);
    }
    const send = events.find((event) => event.type === 'wasm.call' && (event.data as { function: string }).function === 'handle-send');
    expect(send?.data).toEqual({
      interface: 'theater:simple/message-server-client',
      function: 'handle-send',
      params: [{ $bytes: Buffer.from('a').toString('base64') }],
    });
  });

  it('keeps the events of the --type given: exact types or prefixes', async () => {
    const calls = await eventsJson('--type', 'wasm.call');
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((event) => event.type))).toEqual(new Set(['wasm.call']));

    const wasm = await eventsJson('--type', 'wasm');
    expect(new Set(wasm.map((event) => event.type))).toEqual(new Set(['wasm.call', 'wasm.result']));

    const logsAndStop = await eventsJson('--type', 'theater:simple/runtime', '--type', 'actor.stop');
    expect(logsAndStop.map((event) => event.type)).toEqual([...Array(3).fill('theater:simple/runtime.log'), 'actor.stop']);

    const { stdout } = await theater('events', actorId, '--type', 'theater:simple/runtime.log');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`3 events of type theater:simple/runtime.log · the chain has ${eventCount} events`);
  });

  it('shows the first --limit events selected, from --from', async () => {
    expect((await eventsJson('--limit', '3')).map((event) => event.seq)).toEqual([0, 1, 2]);
    expect((await eventsJson('--from', '4', '--limit', '2')).map((event) => event.seq)).toEqual([4, 5]);
    const results = await eventsJson('--type', 'wasm.result', '--from', '4', '--limit', '2');
    expect(results.map((event) => event.type)).toEqual(['wasm.result', 'wasm.result']);
    expect(results[0]!.seq).toBeGreaterThan(4);

    const { stdout, exitCode } = await theater('events', actorId, '--from', '1000');
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`no events from seq 1000 (the chain has ${eventCount} events)\n`);
  });

  it('exits 2 for an unknown actor, and for a home where nothing ran', async () => {
    const { stdout, stderr, exitCode } = await theater('events', UNKNOWN);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`actor-not-found: no actor with id ${UNKNOWN} in the chain store of ${home}\n`);

    const empty = join(temp.path, 'empty-home');
    const json = await runTheater(['events', actorId, '--home', empty, '--json']);
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'actor-not-found', message: `${empty} has no chain store: no actor has run there`, actor: actorId, home: empty },
    });
    await expect(stat(empty)).rejects.toThrow(/ENOENT/u);
  });

  it('finds the actor by a unique prefix of its id, and refuses an ambiguous one', async () => {
    const short = await theater('events', actorId.slice(0, 8), '--limit', '1', '--json');
    expect(short.exitCode).toBe(0);
    expect((JSON.parse(short.stdout) as EventJson[])[0]?.type).toBe('actor.spawn');

    {
      await using store = await openChainStore(join(home, 'db'));
      for (const id of ['twin-1', 'twin-2'])
        await store.append(id, [{ type: 'test.tick', data: new Uint8Array(0), time: 1_700_000_000_000 }]);
    }
    const { stderr, exitCode } = await theater('events', 'twin');
    expect(exitCode).toBe(2);
    expect(stderr).toBe(`ambiguous-actor-id: twin is the start of 2 actor ids in the chain store of ${home}: twin-1, twin-2\n`);
    expect((await theater('events', 'tw')).stderr).toBe(
      `actor-not-found: no actor with id tw in the chain store of ${home} (an id prefix needs at least 4 characters)\n`,
    );
  });

  it('exits 2 with chain-store-unavailable while another holder has the home open', async () => {
    const store = await openChainStore(join(home, 'db'));
    try {
      const { stderr, exitCode } = await theater('events', actorId);
      expect(exitCode).toBe(2);
      expect(stderr).toMatch(/^chain-store-unavailable: the chain store at .* is in use by another process/u);
    } finally {
      await store.close();
    }
  });
});

describe('theater chain verify <actor-id>', () => {
  it("verifies the actor's chain in the home's store against the node's own key", async () => {
    const { stdout, stderr, exitCode } = await theater('chain', 'verify', actorId);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`✓ chain of ${actorId}: ${eventCount} events, 1 signed checkpoint verified\n`);

    const json = await theater('chain', 'verify', actorId, '--json');
    expect(JSON.parse(json.stdout)).toEqual({
      home,
      actor: actorId,
      ok: true,
      events: eventCount,
      checkpoints: 1,
      unsignedEvents: 0,
      headVouched: true,
    } satisfies ChainVerifyJson);
  });

  it('takes a unique prefix of the id, and names the full id', async () => {
    const { stdout, exitCode } = await theater('chain', 'verify', actorId.slice(0, 8));
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`✓ chain of ${actorId}: ${eventCount} events, 1 signed checkpoint verified\n`);
  });

  it('checks the checkpoints against the --trust keys instead', async () => {
    const nodeKey = Buffer.from(await readFile(join(home, 'keys', 'node.pub'))).toString('hex');
    expect((await theater('chain', 'verify', actorId, '--trust', nodeKey)).exitCode).toBe(0);

    const stranger = 'ab'.repeat(32);
    const { stderr, exitCode } = await theater('chain', 'verify', actorId, '--trust', stranger);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^✗ chain of ${actorId} is invalid at event ${eventCount - 1}: checkpoint at seq ${eventCount - 1} is signed by an untrusted key [0-9a-f]{8}…\\n$`,
        'u',
      ),
    );
  });

  it('exits 2 for an unknown actor', async () => {
    const { stderr, exitCode } = await theater('chain', 'verify', UNKNOWN);
    expect(exitCode).toBe(2);
    expect(stderr).toBe(`actor-not-found: no actor with id ${UNKNOWN} in the chain store of ${home}\n`);
  });
});

describe('theater chain export', () => {
  it('writes the chain file, which chain verify accepts', async () => {
    const file = join(temp.path, 'counter.chain');
    const { stdout, stderr, exitCode } = await theater('chain', 'export', actorId, '-o', file);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const bytes = (await stat(file)).size;
    expect(stdout.split('\n')).toEqual([
      `✔ exported the chain of ${actorId}`,
      `  path    ${file}`,
      `  events  ${eventCount} events, 1 signed checkpoint`,
      expect.stringMatching(new RegExp(`^  size {4}[\\d.]+ KiB \\(${bytes} bytes\\)$`, 'u')),
      '',
    ]);
    const verified = await runTheater(['chain', 'verify', file]);
    expect(verified.exitCode).toBe(0);
    expect(verified.stdout).toBe(
      `✓ chain of ${actorId}: ${eventCount} events, 1 signed checkpoint verified\n` +
        "! nothing vouches for the chain's end: its checkpoints' signers were not checked (--trust <public-key-hex> requires the head signed by that key)\n",
    );
    // Nothing is left behind but the file.
    expect((await readdir(temp.path)).filter((name) => name.includes('counter.chain'))).toEqual(['counter.chain']);
  });

  it('refuses to replace an existing file unless --force is given', async () => {
    const file = join(temp.path, 'existing.chain');
    await writeFile(file, 'keep me');
    const refused = await theater('chain', 'export', actorId, '-o', file);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(`file-exists: ${file} already exists (--force replaces it)\n`);
    expect(await readFile(file, 'utf8')).toBe('keep me');

    const forced = await theater('chain', 'export', actorId, '-o', file, '--force', '--json');
    expect(forced.exitCode).toBe(0);
    const json = JSON.parse(forced.stdout) as ChainExportJson;
    expect(json).toEqual({
      actor: actorId,
      path: file,
      events: eventCount,
      checkpoints: 1,
      bytes: (await stat(file)).size,
    } satisfies ChainExportJson);
  });

  it('exits 2 for an unknown actor and writes nothing', async () => {
    const file = join(temp.path, 'unknown.chain');
    const { stderr, exitCode } = await theater('chain', 'export', UNKNOWN, '-o', file);
    expect(exitCode).toBe(2);
    expect(stderr).toBe(`actor-not-found: no actor with id ${UNKNOWN} in the chain store of ${home}\n`);
    expect((await readdir(temp.path)).filter((name) => name.includes('unknown.chain'))).toEqual([]);
  });

  it('exports a chain whose tampering chain verify reports at the changed event', async () => {
    const file = join(temp.path, 'tampered.chain');
    expect((await theater('chain', 'export', actorId, '-o', file)).exitCode).toBe(0);
    const copy = new Uint8Array(await readFile(file));
    // Event k is frame k + 1; its data is found in the frame by decoding it, not by a guessed offset.
    const tampered = 5;
    const { start, bytes } = frames(copy)[tampered + 1]!;
    const data = Buffer.from(decodeStoredEvent(bytes).data);
    const at = Buffer.from(bytes).indexOf(data);
    expect(at).toBeGreaterThan(0);
    expect(Buffer.from(bytes).lastIndexOf(data)).toBe(at);
    copy[start + at + 3] = copy[start + at + 3]! ^ 0x20;
    await writeFile(file, copy);

    const { stdout, stderr, exitCode } = await runTheater(['chain', 'verify', file]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(`^✗ chain of ${actorId} is invalid at event ${tampered}: event ${tampered} does not match its hash`, 'u'),
    );
  });
});

describe('theater replay', () => {
  it('replays an actor from its stored chain, hash for hash', async () => {
    const { stdout, stderr, exitCode } = await theater('replay', actorId);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(new RegExp(`^✓ replay of ${actorId} matches its chain: ${eventCount} events, hash for hash, in `, 'u'));
    const json = JSON.parse((await theater('replay', actorId.slice(0, 8), '--json')).stdout) as ReplayJson;
    expect(json).toMatchObject({ ok: true, actorId, events: eventCount });
    expect(json.replayedComponent).toBe(json.recordedComponent);
  });

  it('replays an exported chain file, and reports where a forged one diverges (exit 1)', async () => {
    const file = join(temp.path, 'replayed.chain');
    expect((await theater('chain', 'export', actorId, '-o', file)).exitCode).toBe(0);
    expect((await theater('replay', file)).exitCode).toBe(0);

    // The host output of the first runtime.log call is changed and the chain re-hashed, its checkpoint stripped: it
    // verifies (nothing vouches for its end), and the replay shows where the actor did something else.
    const logged = 2;
    const forged = forgedChainFile(new Uint8Array(await readFile(file)), (event) =>
      event.seq === logged ? replaced(event.data, 'starting', 'STARTING') : undefined,
    );
    const forgedFile = join(temp.path, 'forged-output.chain');
    await writeFile(forgedFile, forged);
    expect((await theater('chain', 'verify', forgedFile)).exitCode).toBe(0);
    const { stdout, stderr, exitCode } = await theater('replay', forgedFile);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(`^✗ replay of ${actorId} diverges at event ${logged}: the theater:simple/runtime.log event's data differs\\n`, 'u'),
    );
    expect(stderr).toMatch(/ {2}recorded {2}theater:simple\/runtime\.log {2}.*STARTING/u);
    expect(stderr).toMatch(/ {2}replayed {2}theater:simple\/runtime\.log {2}.*starting/u);
  });

  it('refuses a chain file whose event 1 has one bit of its parent hash flipped, with the verdict chain verify gives', async () => {
    const copy = new Uint8Array(await exported('parent-flip'));
    const { start, bytes } = frames(copy)[2]!;
    const parent = decodeStoredEvent(bytes).parent!;
    const at = Buffer.from(bytes).indexOf(parent);
    expect(at).toBeGreaterThan(0);
    // Byte 7: the two hashes share their short prefix, so the verdict shows them in full.
    copy[start + at + 7] = copy[start + at + 7]! ^ 0x01;
    const refused = await expectRefusedAsVerifyRefuses(await saved('parent-flip', copy));
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^✗ chain of ${actorId} is invalid at event 1: event 1 has parent [0-9a-f]{64}, expected the hash of event 0 \\([0-9a-f]{64}\\)`,
        'u',
      ),
    );
  });

  it("refuses an actor's stored chain that fails verification, with the verdict chain verify gives", async () => {
    const copy = new Uint8Array(await exported('stored-flip'));
    const { start, bytes } = frames(copy)[2]!;
    const at = Buffer.from(bytes).indexOf(decodeStoredEvent(bytes).parent!);
    copy[start + at] = copy[start + at]! ^ 0x80;
    {
      // Import checks the file's structure, not its hashes: the tampered chain lands in the store as it is.
      await using store = await openChainStore(join(home, 'db'));
      await store.importChain(copy, { actorId: 'tampered-copy' });
    }
    const verified = await theater('chain', 'verify', 'tampered-copy');
    const replayed = await theater('replay', 'tampered-copy');
    expect(replayed.exitCode).toBe(1);
    expect(replayed.stdout).toBe('');
    expect(replayed.stderr).toBe(verified.stderr);
    expect(replayed.stderr).toMatch(/^✗ chain of tampered-copy is invalid at event 1: event 1 has parent /u);
  });

  it('refuses a chain file with a damaged checkpoint or a changed header actor (exit 1), as chain verify does', async () => {
    const copy = new Uint8Array(await exported('damaged-checkpoint'));
    const checkpoint = frames(copy).at(-1)!;
    copy[checkpoint.start + checkpoint.bytes.length - 3] = copy[checkpoint.start + checkpoint.bytes.length - 3]! ^ 0x10;
    const damaged = await expectRefusedAsVerifyRefuses(await saved('damaged-checkpoint', copy));
    expect(damaged.exitCode).toBe(1);

    // Another actor's id, same length: the checkpoint no longer names the file's actor.
    const other = new Uint8Array(await exported('other-actor'));
    const header = frames(other)[0]!;
    const idAt = Buffer.from(header.bytes).indexOf(Buffer.from(actorId));
    expect(idAt).toBeGreaterThan(0);
    other.set(Buffer.from(UNKNOWN), header.start + idAt);
    const renamed = await expectRefusedAsVerifyRefuses(await saved('other-actor', other));
    expect(renamed.exitCode).toBe(1);
    expect(renamed.stderr).toContain(`is for actor "${actorId}", expected "${UNKNOWN}"`);
  });

  it('refuses a malformed chain file (appended bytes or frames, a stripped checkpoint frame, a changed count) with invalid-chain-file, exit 2', async () => {
    const valid = new Uint8Array(await exported('malformed'));
    const all = frames(valid);
    const cases: Record<string, Uint8Array> = {
      garbage: Buffer.concat([valid, Buffer.from('garbage')]),
      'appended-frame': Buffer.concat([valid, joinFrames([all.at(-1)!.bytes])]),
      'stripped-checkpoint': joinFrames(all.slice(0, -1).map((frame) => frame.bytes)),
      'fewer-events': joinFrames([withHeaderCount(all[0]!.bytes, 'events', eventCount - 1), ...all.slice(1).map((frame) => frame.bytes)]),
      'cut-in-checkpoint': valid.subarray(0, valid.length - 20),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const refused = await expectRefusedAsVerifyRefuses(await saved(name, bytes));
      expect(refused.exitCode, name).toBe(2);
      expect(refused.stderr, name).toMatch(/^invalid-chain-file: /u);
    }
  });

  it('refuses a forged chain whose recorded event data does not decode with a coded error (exit 2), never a SyntaxError', async () => {
    const valid = new Uint8Array(await exported('corrupt-data'));
    const halved = (seq: number) => (event: ChainEvent) => (event.seq === seq ? event.data.subarray(0, event.data.length >> 1) : undefined);
    const cutCall = await saved('corrupt-call', forgedChainFile(valid, halved(7)));
    expect((await theater('chain', 'verify', cutCall)).exitCode).toBe(0);
    const { stdout, stderr, exitCode } = await theater('replay', cutCall);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^invalid-chain: event 7 \(wasm\.call\) cannot be replayed: its data does not decode: .*\n$/u);

    const json = await theater('replay', cutCall, '--json');
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'invalid-chain',
        message: expect.stringMatching(/^event 7 \(wasm\.call\) cannot be replayed: its data does not decode/u) as unknown,
      },
    });

    const nullSpawn = await saved(
      'null-spawn',
      forgedChainFile(valid, (event) => (event.seq === 0 ? encodeEventData(null) : undefined)),
    );
    const spawn = await theater('replay', nullSpawn);
    expect(spawn.exitCode).toBe(2);
    expect(spawn.stderr).toBe('invalid-chain: event 0 (actor.spawn) cannot be replayed: expected its data as an object\n');

    const noParams = await saved(
      'no-params',
      forgedChainFile(valid, (event) => (event.seq === 4 ? encodeEventData({ interface: 'x', function: 'y' }) : undefined)),
    );
    const call = await theater('replay', noParams);
    expect(call.exitCode).toBe(2);
    expect(call.stderr).toBe('invalid-chain: event 4 (wasm.call) cannot be replayed: expected params as an array\n');
  });

  it('exits after refusing corrupt event data under --json: the replayed actor is stopped', { timeout: 120_000 }, async () => {
    const valid = new Uint8Array(await exported('corrupt-exit'));
    const file = await saved(
      'corrupt-exit',
      forgedChainFile(valid, (event) => (event.seq === 10 ? event.data.subarray(0, 20) : undefined)),
    );
    // The real binary (from source): a worker left running would keep the process alive past the timeout.
    const bin = fileURLToPath(new URL('../bin/dev.js', import.meta.url));
    const { code, signal, stdout } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          ['--conditions=@theater/source', '--import=tsx/esm', bin, 'replay', file, '--json', '--home', home],
          { timeout: 90_000 },
          (error, out) => {
            const failed = error as (Error & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
            resolve({
              code: failed === null ? 0 : typeof failed.code === 'number' ? failed.code : null,
              signal: failed?.signal ?? null,
              stdout: out,
            });
          },
        );
      },
    );
    expect(signal).toBeNull();
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'invalid-chain' } });
  });

  it('exits 2 for an unknown actor and for a missing file', async () => {
    const unknown = await theater('replay', UNKNOWN);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe(`actor-not-found: no actor with id ${UNKNOWN} in the chain store of ${home}\n`);
    const missing = await theater('replay', join(temp.path, 'missing.chain'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(`file-not-found: no chain file at ${join(temp.path, 'missing.chain')}\n`);
  });
});

/** The bytes of a fresh export of the counter's chain. */
async function exported(name: string): Promise<Buffer> {
  const file = join(temp.path, `${name}-export.chain`);
  expect((await theater('chain', 'export', actorId, '-o', file, '--force')).exitCode).toBe(0);
  return readFile(file);
}

async function saved(name: string, bytes: Uint8Array): Promise<string> {
  const file = join(temp.path, `${name}.chain`);
  await writeFile(file, bytes);
  return file;
}

/** Replays `file`, expecting it refused exactly as `chain verify` refuses it: exit code, message and --json output. */
async function expectRefusedAsVerifyRefuses(file: string): Promise<TheaterResult> {
  const verified = await theater('chain', 'verify', file);
  expect(verified.exitCode).not.toBe(0);
  const replayed = await theater('replay', file);
  expect(replayed.stdout).toBe('');
  expect(replayed.stderr).not.toMatch(/^\s+at /mu);
  expect({ exitCode: replayed.exitCode, stderr: replayed.stderr }).toEqual({ exitCode: verified.exitCode, stderr: verified.stderr });
  const verifiedJson = await theater('chain', 'verify', file, '--json');
  const replayedJson = await theater('replay', file, '--json');
  expect(replayedJson.exitCode).toBe(verified.exitCode);
  expect(JSON.parse(replayedJson.stdout)).toEqual(JSON.parse(verifiedJson.stdout));
  return replayed;
}

/** `data` with the first `from` (UTF-8, as event data holds text) replaced by `to`, byte for byte (same length). */
function replaced(data: Uint8Array, from: string, to: string): Uint8Array {
  const out = Buffer.from(data);
  const at = out.indexOf(from);
  if (at < 0 || Buffer.byteLength(to) !== Buffer.byteLength(from)) throw new Error(`no "${from}" to replace`);
  out.write(to, at);
  return new Uint8Array(out);
}
