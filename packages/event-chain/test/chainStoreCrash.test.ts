/** Durability across a real process kill: every append a child process acknowledged is in the store afterwards. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openChainStore } from '../src/chainStore.js';
import { hashEventFields } from '../src/eventFormat.js';

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

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), 'theater-chain-crash-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** Runs the child until it has acknowledged at least `atLeast` events, SIGKILLs it, and returns every acked seq. */
async function runAndKill(script: string, dbPath: string, atLeast: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@theater/source', script, dbPath], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: number[] = [];
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^acked (\d+)$/.exec(line);
      if (match !== null) acked.push(Number(match[1]));
      if (acked.length > 0 && acked.at(-1)! >= atLeast && !child.killed) child.kill('SIGKILL');
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
});

function equalBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
