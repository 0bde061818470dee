/**
 * Durability across a real process kill: every append a child process acknowledged is in the store afterwards, with
 * the level store alone and over a chain log (whose torn tails are dropped on reopen).
 */
import { describe, expect, it } from 'vitest';
import { Level } from 'level';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openChainStore } from '../src/chainStore.js';
import { createEvent, decodeStoredEvent, hashEventFields, type ChainEvent } from '../src/eventFormat.js';
import { encodeChainLogRecord, readChainLogFrame } from '../src/chainLogRecord.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const storeModule = pathToFileURL(fileURLToPath(new URL('../src/chainStore.ts', import.meta.url))).href;

/** The child: appends batches of 1–3 events forever, printing `acked <last seq>` once each append resolved. */
const childSource = `
import { openChainStore } from ${JSON.stringify(storeModule)};
const store = await openChainStore(process.argv[2]);
for (let i = 0; ; i += 1) {
  const inputs = Array.from({ length: (i % 3) + 1 }, (_, j) => ({
    type: 'test.tick',
    data: new TextEncoder().encode('batch ' + i + ' event ' + j),
    time: 1700000000000 + i,
  }));
  const events = await store.append('crashy', inputs);
  process.stdout.write('acked ' + events[events.length - 1].seq + '\\n');
}
`;

/**
 * The child over a chain log: three actors append batches of 1-3 events concurrently (so appends of several actors
 * share log writes), each printing `acked <actor> <last seq>` once its append resolved.
 */
const logChildSource = `
import { openChainStore } from ${JSON.stringify(storeModule)};
const [db, log] = process.argv.slice(2);
const store = await openChainStore(db, { log: { dir: log, segmentBytes: 64 * 1024 } });
async function run(actor) {
  for (let i = 0; ; i += 1) {
    const inputs = Array.from({ length: (i % 3) + 1 }, (_, j) => ({
      type: 'test.tick',
      data: new TextEncoder().encode(actor + ' batch ' + i + ' event ' + j + ' ' + 'x'.repeat(i % 200)),
      time: 1700000000000 + i,
    }));
    const events = await store.append(actor, inputs);
    process.stdout.write('acked ' + actor + ' ' + events[events.length - 1].seq + '\\n');
  }
}
await Promise.all(['a', 'b', 'c'].map(run));
`;

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), 'theater-chain-crash-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** Runs the child until it has acknowledged at least `atLeast` events, SIGKILLs it, and returns every acked seq. */
async function runAndKill(script: string, dbPath: string, atLeast: number, ...args: string[]): Promise<number[]> {
  return (await runAndKillActors(script, [dbPath, ...args], atLeast)).get('crashy') ?? [];
}

/** Like runAndKill, for children that print `acked <actor> <seq>`: kills once any actor reached `atLeast`. */
async function runAndKillActors(script: string, args: readonly string[], atLeast: number): Promise<Map<string, number[]>> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@theater/source', script, ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked = new Map<string, number[]>();
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^acked (?:(\S+) )?(\d+)$/.exec(line);
      if (match === null) continue;
      const actor = match[1] ?? 'crashy';
      const seq = Number(match[2]);
      acked.set(actor, [...(acked.get(actor) ?? []), seq]);
      if (seq >= atLeast && !child.killed) child.kill('SIGKILL');
    }
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  if (exit.signal !== 'SIGKILL') throw new Error(`child exited with ${String(exit.code)} before it was killed: ${stderr}`);
  return acked;
}

describe('chain store durability', () => {
  it('keeps every acknowledged event, contiguous and hash-linked, after the process is SIGKILLed', async () => {
    await using dir = await tempDir();
    const script = join(dir.path, 'child.mjs');
    const dbPath = join(dir.path, 'db');
    await writeFile(script, childSource);

    const firstRun = await runAndKill(script, dbPath, 300);
    // A second run continues the chain the first one left, and is killed too.
    const secondRun = await runAndKill(script, dbPath, firstRun.at(-1)! + 300);
    const acked = [...firstRun, ...secondRun];
    expect(acked.length).toBeGreaterThan(100);

    await using store = await openChainStore(dbPath);
    const events = await store.read('crashy');
    const head = await store.head('crashy');
    expect(head?.seq).toBe(events.length - 1);
    // Every acknowledged event is there (the child may have written a little more than it got to print).
    expect(head!.seq).toBeGreaterThanOrEqual(Math.max(...acked));
    // The second run started right after the first run's last stored event: nothing acknowledged was lost.
    expect(secondRun[0]).toBeGreaterThan(firstRun.at(-1)!);
    let parent: Uint8Array | null = null;
    for (const [index, event] of events.entries()) {
      const { hash, ...fields } = event;
      if (event.seq !== index || !equalBytes(event.parent, parent) || !equalBytes(hashEventFields(fields), hash)) {
        expect.fail(`event ${index} is not linked: seq ${event.seq}`);
      }
      parent = hash;
    }
  });

  it('keeps every acknowledged event of every actor over a chain log, killed at random moments, and drops torn tails', async () => {
    await using dir = await tempDir();
    const script = join(dir.path, 'log-child.mjs');
    const dbPath = join(dir.path, 'db');
    const logDir = join(dir.path, 'log');
    await writeFile(script, logChildSource);
    const runs: Map<string, number[]>[] = [];
    for (const tear of ['none', 'cut', 'checksum'] as const) {
      const before = Math.max(0, ...runs.flatMap((run) => [...run.values()].flat()));
      runs.push(await runAndKillActors(script, [dbPath, logDir], before + 100 + Math.floor(Math.random() * 300)));
      if (tear !== 'none') await appendTornRecord(dbPath, logDir, 'a', tear);
    }

    await using store = await openChainStore(dbPath, { log: { dir: logDir } });
    expect(await store.actors()).toEqual(['a', 'b', 'c']);
    for (const actor of ['a', 'b', 'c']) {
      const events = await store.read(actor);
      expectVerifiedChain(events);
      const acked = runs.map((run) => run.get(actor) ?? []);
      expect(acked.flat().length).toBeGreaterThan(10);
      // Every acknowledged event is there, and each run continued right after the last event the one before stored.
      expect(events.length - 1).toBeGreaterThanOrEqual(Math.max(...acked.flat()));
      for (const [index, run] of acked.entries()) {
        if (index > 0 && run.length > 0 && acked[index - 1]!.length > 0) expect(run[0]).toBeGreaterThan(acked[index - 1]!.at(-1)!);
      }
      // A torn record is never read as an event.
      expect(events.some((event) => new TextDecoder().decode(event.data).includes('TORN'))).toBe(false);
    }
  });
});

/**
 * Writes to the newest log segment what a write cut short by the kill leaves: the record of the actor's next event,
 * either cut in the middle (`cut`) or whole with a byte of its payload flipped (`checksum`).
 */
async function appendTornRecord(dbPath: string, logDir: string, actorId: string, tear: 'cut' | 'checksum'): Promise<void> {
  const names = (await readdir(logDir)).filter((name) => name.endsWith('.log')).sort();
  // The head is the actor's last event in the log, else (all of the log indexed and deleted) the index's head.
  const db = new Level<string, Uint8Array>(dbPath, { keyEncoding: 'utf8', valueEncoding: 'view' });
  const indexed = await db.sublevel<string, Uint8Array>('heads', { keyEncoding: 'utf8', valueEncoding: 'view' }).get(actorId);
  await db.close();
  let head = indexed === undefined ? undefined : decodeStoredEvent(indexed);
  for (const name of names) {
    const bytes = new Uint8Array(await readFile(join(logDir, name)));
    for (let offset = 0; ; ) {
      const frame = readChainLogFrame(bytes, offset);
      if (!frame.ok) break;
      if (frame.record.actorId === actorId) head = decodeStoredEvent(frame.record.events.at(-1)!);
      offset = frame.next;
    }
  }
  expect(head).toBeDefined();
  const torn = encodeChainLogRecord(actorId, [createEvent(head, { type: 'test.tick', data: new TextEncoder().encode('TORN'), time: 1 })]);
  const newest = join(logDir, names.at(-1)!);
  const size = (await stat(newest)).size;
  if (tear === 'cut') await appendFile(newest, torn.subarray(0, torn.length - 7));
  else {
    torn[torn.length - 1] = torn.at(-1)! ^ 0xff;
    await appendFile(newest, torn);
  }
  expect((await stat(newest)).size).toBeGreaterThan(size);
}

function expectVerifiedChain(events: readonly ChainEvent[]): void {
  let parent: Uint8Array | null = null;
  for (const [index, event] of events.entries()) {
    const { hash, ...fields } = event;
    if (event.seq !== index || !equalBytes(event.parent, parent) || !equalBytes(hashEventFields(fields), hash)) {
      expect.fail(`event ${index} is not linked: seq ${event.seq}`);
    }
    parent = hash;
  }
}

function equalBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
