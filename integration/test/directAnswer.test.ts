/**
 * Direct answers (kernel sandbox/directAnswer.ts): a request between two actors of one shared worker is answered by
 * the worker from the target's result, and the kernel records it. Whatever decides the requester's reply (the
 * target's result, a timeout that came first, the target's failure), the requester's chain holds the reply its
 * guest saw, and both chains verify and replay.
 */
import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import type { Actor, ActorSystem, Manifest } from '@theater/kernel';
import { decode, manifestOf, testSystem, text } from './helpers.js';

/** One shared worker: every actor of the system is a co-resident of every other. */
const packed = { isolation: 'shared', schedulerWorkers: 1 } as const;
const REQUEST = 'theater:simple/message-server-host.request';

/** pinger's loop request: `<op><count u32 le><target id>`. */
function loop(count: number, target: string): Uint8Array {
  const id = text(target);
  const message = new Uint8Array(5 + id.length);
  message[0] = 'r'.charCodeAt(0);
  new DataView(message.buffer).setUint32(1, count, true);
  message.set(id, 5);
  return message;
}

const u32 = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);

function withCallTimeout(manifest: Manifest, callTimeoutMs: number): Manifest {
  return { ...manifest, limits: { ...manifest.limits, callTimeoutMs } };
}

/** The outcomes of `actor`'s request host calls, in its chain's order. */
async function requestsOf(system: ActorSystem, actor: Actor): Promise<{ result?: unknown; error?: string }[]> {
  const events = await system.events(actor.id);
  return events
    .filter((event) => event.type === REQUEST)
    .map((event) => decodeEventData(event.data) as { result?: unknown; error?: string });
}

/** Both chains verify; once stopped, both replay hash for hash. */
async function expectConsistent(system: ActorSystem, actors: readonly Actor[]): Promise<void> {
  for (const actor of actors) expect(await system.verify(actor.id)).toMatchObject({ ok: true });
  for (const actor of actors) if (actor.status === 'running') await actor.stop();
  for (const actor of actors) expect(await system.replay(actor.id)).toMatchObject({ ok: true });
}

describe('requests between co-residents of one worker', () => {
  it('give each request the reply its target returned, in the chains of both, in a loop of many', async () => {
    await using system = await testSystem(packed);
    const pinger = await system.spawn(await manifestOf('pinger'));
    const small = await system.spawn(await manifestOf('small'));
    for (let i = 0; i < 7; i++) await small.send(text('x'));
    // small replies to each request with its count (4 bytes), which each request before it leaves at 7.
    expect(u32(await pinger.request(loop(300, small.id)))).toBe(7);
    const requests = await requestsOf(system, pinger);
    expect(requests).toHaveLength(300);
    for (const request of requests) expect(u32(request.result as Uint8Array)).toBe(7);
    const answered = (await system.events(small.id)).filter((event) => event.type === 'wasm.result');
    // init, 7 sends, 300 requests.
    expect(answered).toHaveLength(1 + 7 + 300);
    await expectConsistent(system, [pinger, small]);
  });

  it('give the requester its timeout when that came before the target answered, and drop the late reply', async () => {
    await using system = await testSystem(packed);
    // a waits up to 500 ms for b; b waits up to 800 ms for the spinner, which never answers (in a worker of its
    // own, so the shared one goes on); so b answers a after a's request has timed out.
    const a = await system.spawn(withCallTimeout(await manifestOf('messenger'), 1_000));
    const b = await system.spawn(withCallTimeout(await manifestOf('messenger'), 1_600));
    const spinnerBase = await manifestOf('spinner');
    const spinner = await system.spawn({ ...withCallTimeout(spinnerBase, 1_500), isolation: 'dedicated' });
    const reply = decode(await a.request(text(`ask ${b.id} ask ${spinner.id} spin`)));
    expect(reply).toMatch(/^error:.*request-timeout/);
    const [outcome] = await requestsOf(system, a);
    expect(outcome?.error).toMatch(/request-timeout/);
    // b did answer, later: its chain has the result, which reached nobody.
    const [inner] = await requestsOf(system, b);
    expect(inner?.error).toMatch(/request-timeout/);
    // a and b go on serving requests between them.
    expect(decode(await a.request(text(`ask ${b.id} tell ${a.id} x`)))).toMatch(/^reply:/);
    await expectConsistent(system, [a, b]);
  });

  it('give a request that timed out while its target was busy its timeout, and the next one its own reply', async () => {
    await using system = await testSystem(packed);
    const a = await system.spawn(withCallTimeout(await manifestOf('messenger'), 1_000));
    const b = await system.spawn(withCallTimeout(await manifestOf('messenger'), 1_600));
    const spinner = await system.spawn({ ...withCallTimeout(await manifestOf('spinner'), 1_500), isolation: 'dedicated' });
    // a's operation starts first and asks b; b is busy above it for ~800 ms (asking the spinner), so a's first
    // request times out at 500 ms (the kernel claims its answer cell back). b then answers it, late: that reply must
    // go nowhere, and a's next request gets its own.
    const both = a.request(text(`sendall ?${b.id}:first ?${b.id}:second`));
    const busy = b.request(text(`ask ${spinner.id} spin`));
    const replies = JSON.parse(decode(await both)) as string[];
    expect(replies[0]).toMatch(/^error:.*request-timeout/);
    expect(replies[1]).toBe('reply:echo:second');
    expect(decode(await busy)).toMatch(/^reply:error:|^error:/);
    const outcomes = await requestsOf(system, a);
    expect(outcomes.map((outcome) => (outcome.result === undefined ? 'error' : decode(outcome.result as Uint8Array)))).toEqual([
      'error',
      'echo:second',
    ]);
    await expectConsistent(system, [a, b]);
  });

  it('keep in the chain of a target that stops itself each reply a requester got from it, in every interleaving', async () => {
    await using system = await testSystem(packed);
    const messenger = await manifestOf('messenger');
    for (let round = 0; round < 8; round++) {
      const [first, second] = [await system.spawn(messenger), await system.spawn(messenger)];
      const echo = await system.spawn(await manifestOf('echo'));
      // echo asks the runtime to stop it while answering the first request; the second may already be in the worker,
      // and be answered there, or be refused.
      const replies = await Promise.all([first.request(text(`ask ${echo.id} shutdown`)), second.request(text(`ask ${echo.id} hi`))]).then(
        (both) => both.map(decode),
      );
      expect(replies[0]).toBe('reply:bye');
      await echo.exited;
      const results = (await system.events(echo.id)).filter((event) => event.type === 'wasm.result');
      const answeredHi = replies[1] === 'reply:echo:hi';
      if (!answeredHi) expect(replies[1]).toMatch(/^error:/);
      // init, the shutdown request, and the second request if (and only if) its requester got echo's reply.
      expect(results).toHaveLength(answeredHi ? 3 : 2);
      expect(await system.verify(echo.id)).toMatchObject({ ok: true });
      expect(await system.replay(echo.id)).toMatchObject({ ok: true });
      await expectConsistent(system, [first, second]);
    }
  });

  it('give the requester an error when the target fails while it handles the request', async () => {
    await using system = await testSystem(packed);
    const messenger = await system.spawn(await manifestOf('messenger'));
    const trapper = await system.spawn(await manifestOf('trapper'));
    const reply = decode(await messenger.request(text(`ask ${trapper.id} trap`)));
    expect(reply).toMatch(/^error:/);
    const [outcome] = await requestsOf(system, messenger);
    expect(outcome?.error).toBeDefined();
    await trapper.exited;
    expect(trapper.status).toBe('failed');
    await expectConsistent(system, [messenger]);
  });
});
