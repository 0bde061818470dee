/** The event chain through the kernel: complete recording, persistence, checkpoints, subscriptions, tampering. */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { defaultHandlers } from '@theater/handlers';
import { decodeCheckpoint, decodeEventData, openChainStore, readChainFile, type ChainEvent } from '@theater/event-chain';
import { createActorSystem, isKernelError } from '@theater/kernel';
import { testActorComponent, testActorManifest } from '@theater/test-actors';
import { decode, manifestOf, tempDir, testSystem, text } from './helpers.js';

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

describe('recording', () => {
  it('records every host call of an actor with its inputs and outputs, between its call and result', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.send(text('hello'));
    expect(decode(await echo.request(text('stored')))).toBe('{"count":1}');
    expect(decode(await echo.request(text('chain')))).toBe('11');
    expect(decode(await echo.request(text('shutdown')))).toBe('bye');
    await echo.exited;
    const events = await echo.events();
    const decoded = events.map((event) => ({ type: event.type, data: decodeEventData(event.data) as Record<string, unknown> }));
    const types = decoded.map((e) => e.type);
    expect(types).toEqual([
      'actor.spawn',
      'wasm.call',
      'theater:simple/runtime.log',
      'wasm.result',
      'wasm.call',
      'theater:simple/runtime.log',
      'wasm.result',
      'wasm.call',
      'theater:simple/runtime.get-state',
      'wasm.result',
      'wasm.call',
      'theater:simple/runtime.get-chain',
      'wasm.result',
      'wasm.call',
      'theater:simple/runtime.shutdown',
      'wasm.result',
      'actor.stop',
    ]);
    expect(decoded[0]!.data).toMatchObject({ name: 'echo', component: echo.componentHash, manifest: { name: 'echo' }, state: null });
    expect(decoded[2]!.data).toEqual({ args: [`init ${echo.id}`], result: null });
    expect(decoded[5]!.data).toEqual({ args: ['got hello'], result: null });
    expect(decoded[8]!.data).toEqual({ args: [], result: text('{"count":1}') });
    // get-chain's output is the chain as the guest saw it: the 11 events before it.
    const chainResult = decoded[11]!.data['result'] as { hash: Uint8Array; eventType: string }[];
    expect(chainResult.map((e) => e.eventType)).toEqual(types.slice(0, 11));
    expect(chainResult.map((e) => bytesToHex(e.hash))).toEqual(events.slice(0, 11).map((e) => bytesToHex(e.hash)));
    expect(decoded[14]!.data).toEqual({ args: [text('bye')], result: null });
    expect(decoded[15]!.data).toMatchObject({ function: 'handle-request', output: [text('bye')] });
    expect(decoded[16]!.data).toEqual({ by: 'self', data: text('bye') });
  });

  it('records a failure: the failing call, its error and the actor.fail', async () => {
    await using system = await testSystem();
    const trapper = await system.spawn(await manifestOf('trapper'));
    await expect(trapper.request(text('trap'))).rejects.toMatchObject({ code: 'actor-failed' });
    await trapper.exited;
    const events = await system.events(trapper.id);
    expect(events.slice(-3).map((e) => e.type)).toEqual(['wasm.call', 'wasm.error', 'actor.fail']);
    expect(decodeEventData(events.at(-1)!.data)).toMatchObject({ reason: 'trap' });
    expect(await system.verify(trapper.id)).toEqual({ ok: true, events: events.length });
  });
});

describe('persistence and checkpoints', () => {
  it("keeps a stopped actor's chain in the home, signed at the stop, readable and verifiable by a new system", async () => {
    await using home = await tempDir();
    const first = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const echo = await first.spawn(await manifestOf('echo'));
    await echo.send(text('one'));
    const midway = await first.checkpoint(echo.id);
    expect(midway.seq).toBe(6);
    await echo.stop();
    const recorded = await echo.events();
    await first.close();

    await using second = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    expect(await second.events(echo.id)).toEqual(recorded);
    expect(await second.verify(echo.id)).toEqual({ ok: true, events: recorded.length });
    const store = await second.chainStore();
    const checkpoints = (await store.checkpoints(echo.id)).map((stored) => decodeCheckpoint(stored.bytes));
    expect(checkpoints.map((c) => c.seq)).toEqual([6, recorded.length - 1]);
    expect(bytesToHex(checkpoints[1]!.head)).toBe(bytesToHex(recorded.at(-1)!.hash));
    // Trusting another key only, the signed checkpoints no longer verify.
    const verdict = await second.verify(echo.id, { trustedKeys: [new Uint8Array(32).fill(1)] });
    expect(verdict).toMatchObject({ ok: false, index: 6 });
    // A fresh spawn may not reuse the id of a chain in the store.
    await expect(second.spawn(await manifestOf('echo'), { id: echo.id })).rejects.toMatchObject({ code: 'actor-exists' });
  });

  it('reads a home written before the chain log (its level database alone), and records new actors through the log', async () => {
    await using old = await tempDir();
    const first = createActorSystem({ handlers: defaultHandlers(), home: old.path, poolSize: 1 });
    const echo = await first.spawn(await manifestOf('echo'));
    await echo.send(text('one'));
    await echo.stop();
    const recorded = await echo.events();
    const exported: Uint8Array[] = [];
    for await (const chunk of first.exportChain(echo.id)) exported.push(chunk);
    await first.close();
    // The old layout: the chain in `db` only, written by the level store without a log.
    await using home = await tempDir();
    {
      await using store = await openChainStore(join(home.path, 'db'));
      await store.importChain(Buffer.concat(exported));
    }

    const second = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    expect(await second.events(echo.id)).toEqual(recorded);
    const fresh = await second.spawn(await manifestOf('echo'));
    await fresh.send(text('two'));
    await fresh.stop();
    const freshEvents = await fresh.events();
    expect(freshEvents[0]).toMatchObject({ seq: 0, type: 'actor.spawn', parent: null });
    await second.close();

    await using third = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    expect(await third.events(echo.id)).toEqual(recorded);
    expect(await third.events(fresh.id)).toEqual(freshEvents);
    expect((await (await third.chainStore()).actors()).sort()).toEqual([echo.id, fresh.id].sort());
  });

  for (const handlers of [
    ['runtime', 'message-server'],
    ['runtime', 'message-server', 'timing'],
  ]) {
    it(`signs the head of a failed actor's chain before stop() and close() resolve, granted ${handlers.join(', ')}`, async () => {
      await using home = await tempDir();
      const manifest = join(home.path, 'trapper.toml');
      const grants = handlers.map((type) => `[[handler]]\ntype = "${type}"\n`).join('');
      await writeFile(
        manifest,
        `name = "trapper"\nversion = "0.1.0"\ncomponent = ${JSON.stringify(testActorComponent('trapper'))}\n${grants}`,
      );
      const first = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
      const trapper = await first.spawn(manifest);
      await trapper.send(text('a'));
      await expect(trapper.send(text('fail'))).rejects.toMatchObject({ code: 'actor-failed' });
      // What `theater run` does after a failure: stop (nothing left to stop) and close at once. Once stop() resolves,
      // the end is signed.
      await trapper.stop();
      const signed = await (await first.chainStore()).checkpoints(trapper.id);
      expect(signed.map((stored) => decodeCheckpoint(stored.bytes).head)).toEqual([(await trapper.events()).at(-1)!.hash]);
      await first.close();

      await using second = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
      const events = await second.events(trapper.id);
      expect(events.at(-1)?.type).toBe('actor.fail');
      const store = await second.chainStore();
      const checkpoints = (await store.checkpoints(trapper.id)).map((stored) => decodeCheckpoint(stored.bytes));
      expect(checkpoints.map((c) => c.seq)).toEqual([events.length - 1]);
    });
  }

  it('keeps the chain of a save_chain = false actor in memory only', async () => {
    await using home = await tempDir();
    const first = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const echo = await first.spawn(await manifestOf('echo', { saveChain: false }));
    await echo.send(text('one'));
    expect(await first.verify(echo.id)).toEqual({ ok: true, events: 7 });
    await echo.stop();
    expect((await echo.events()).at(-1)?.type).toBe('actor.stop');
    await first.close();
    await using second = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    await expect(second.events(echo.id)).rejects.toMatchObject({ code: 'actor-not-found' });
  });

  it('reports an unknown actor id with actor-not-found', async () => {
    await using system = await testSystem();
    const attempts = [
      () => system.events('nobody'),
      () => system.verify('nobody'),
      () => system.checkpoint('nobody'),
      () => collect(system.exportChain('nobody')),
    ];
    for (const attempt of attempts) {
      const error: unknown = await attempt().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(isKernelError(error, 'actor-not-found')).toBe(true);
    }
  });
});

describe('live subscription', () => {
  it('delivers history from a position, then each new event once durable, in order without gaps', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.send(text('before'));
    const seen: ChainEvent[] = [];
    const unsubscribe = await system.subscribe(echo.id, { from: 2 }, (event) => seen.push(event));
    expect(seen.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => echo.send(text(`live ${i}`))));
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 5 + 60 }, (_, i) => i + 2));
    unsubscribe();
    await echo.send(text('after'));
    expect(seen).toHaveLength(65);
    const stored = await echo.events({ from: 2, to: 67 });
    expect(seen).toEqual(stored);
  });
});

describe('tampering, through an exported chain file', () => {
  it('exports a chain and detects a flipped data byte at its index after importing the altered file', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const echo = await system.spawn(await manifestOf('echo'));
    await echo.send(text('hello'));
    await echo.stop();
    const file = new Uint8Array(Buffer.concat(await collect(system.exportChain(echo.id))));
    const events = await collect(readChainFile(file).events());
    expect(events.map((e) => e.seq)).toEqual((await echo.events()).map((e) => e.seq));
    const target = events[5]!; // the runtime.log of the send: "got hello"
    const at = Buffer.from(file).indexOf(Buffer.from('got hello'));
    expect(at).toBeGreaterThan(0);
    const altered = file.slice();
    altered[at] = 'G'.charCodeAt(0);
    const store = await system.chainStore();
    await store.importChain(altered, { actorId: 'altered' });
    const verdict = await system.verify('altered');
    expect(verdict).toMatchObject({ ok: false, index: target.seq });
    expect(verdict.ok ? '' : verdict.reason).toContain('does not match its hash');
  });
});

describe('durability across a process kill', () => {
  it('keeps every operation whose result the child saw, after the child is SIGKILLed', async () => {
    await using home = await tempDir();
    const kernel = pathToFileURL(fileURLToPath(new URL('../../packages/kernel/src/index.ts', import.meta.url))).href;
    const handlers = pathToFileURL(fileURLToPath(new URL('../../packages/handlers/src/index.ts', import.meta.url))).href;
    const script = join(home.path, 'child.mts');
    await writeFile(
      script,
      `import { createActorSystem } from ${JSON.stringify(kernel)};
import { defaultHandlers } from ${JSON.stringify(handlers)};
const system = createActorSystem({ handlers: defaultHandlers(), home: process.argv[2], poolSize: 1 });
const echo = await system.spawn(${JSON.stringify(testActorManifest('echo'))}, { id: 'durable' });
for (let i = 0; ; i += 1) {
  await echo.send(new TextEncoder().encode('message ' + i));
  process.stdout.write('acked ' + i + '\\n');
}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@theater/source', script, home.path], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = -1;
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const match of chunk.matchAll(/acked (\d+)/g)) acked = Math.max(acked, Number(match[1]));
      if (acked >= 50 && !child.killed) child.kill('SIGKILL');
    });
    const signal = await new Promise((resolve) => child.on('close', (_code, sig) => resolve(sig)));
    expect(signal, stderr).toBe('SIGKILL');

    // Opened as the kernel opens a home: the level index brought up to date from the chain log the kill left.
    await using store = await openChainStore(join(home.path, 'db'), { log: { dir: join(home.path, 'chain-log') } });
    const events = await collect(store.stream('durable'));
    const sends = events.filter((e) => e.type === 'wasm.result').length - 1; // minus init
    expect(sends).toBeGreaterThanOrEqual(acked + 1);
    const logs = events
      .filter((e) => e.type === 'theater:simple/runtime.log')
      .map((e) => (decodeEventData(e.data) as { args: string[] }).args[0]);
    for (let i = 0; i <= acked; i++) expect(logs).toContain(`got message ${i}`);
    const { verifyChain } = await import('@theater/event-chain');
    expect(await verifyChain(events)).toEqual({ ok: true, events: events.length });
  });
});
