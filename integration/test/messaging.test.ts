/** Actor-to-actor and external messaging: sends, requests, deferred replies, channels, refusals and cycles. */
import { describe, expect, it } from 'vitest';
import { isKernelError, type Actor, type ActorSystem } from '@theater/kernel';
import { decode, manifestOf, PLACEMENTS, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

async function logOf(actor: Actor): Promise<string[]> {
  return JSON.parse(await ask(actor, 'log')) as string[];
}

async function messengers(system: ActorSystem, count: number, mailbox?: number): Promise<Actor[]> {
  const base = await manifestOf('messenger');
  const manifest = mailbox === undefined ? base : { ...base, limits: { ...base.limits, mailbox } };
  const spawned: Actor[] = [];
  for (let i = 0; i < count; i++) spawned.push(await system.spawn(manifest));
  return spawned;
}

describe.each(PLACEMENTS)('with %s', (_name, placement) => {
  describe('send and request between actors', () => {
    it('sends, and requests with a reply, in order', async () => {
      await using system = await testSystem(placement);
      const [a, b] = await messengers(system, 2);
      expect(await ask(a!, `tell ${b!.id} one`)).toBe('sent');
      expect(await ask(a!, `tell ${b!.id} two`)).toBe('sent');
      expect(await ask(a!, `ask ${b!.id} hi`)).toBe('reply:echo:hi');
      expect(await logOf(b!)).toEqual(['send one', 'send two']);
    });

    it('waits for a deferred reply until the target answers it with respond-to-request', async () => {
      await using system = await testSystem(placement);
      const [b] = await messengers(system, 1);
      const reply = b!.request(text('defer'));
      const [requestId] = JSON.parse(await ask(b!, 'outstanding')) as string[];
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/u);
      expect(await ask(b!, `respond ${requestId} done`)).toBe('responded');
      expect(decode(await reply)).toBe('done');
      expect(await ask(b!, 'outstanding')).toBe('[]');
      expect(await ask(b!, `respond ${requestId} again`)).toMatch(/^error:unknown-request: /u);
    });

    it('fails a deferred request the target cancels, or leaves unanswered past the timeout', async () => {
      await using system = await testSystem(placement);
      const [a, b] = await messengers(system, 2);
      const cancelled = b!.request(text('defer')).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      const [requestId] = JSON.parse(await ask(b!, 'outstanding')) as string[];
      expect(await ask(b!, `cancel ${requestId}`)).toBe('cancelled');
      expect(await cancelled).toMatchObject({ code: 'request-cancelled' });
      // A's requests wait half its 5 s call timeout.
      expect(await ask(a!, `ask ${b!.id} defer`)).toMatch(/^error:request-timeout: actor .* did not answer the request within 2500 ms$/u);
      expect(a!.status).toBe('running');
    });

    it('fails a request cycle at once instead of deadlocking', async () => {
      await using system = await testSystem(placement);
      const [a, b, c] = await messengers(system, 3);
      expect(await ask(a!, `ask ${b!.id} ask ${a!.id} hi`)).toBe(
        `reply:error:request-cycle: request cycle: ${b!.id} → ${a!.id} → ${b!.id}: actor ${b!.id} would wait on itself`,
      );
      // Through a third actor, and to itself.
      expect(await ask(a!, `ask ${b!.id} ask ${c!.id} ask ${a!.id} hi`)).toMatch(/^reply:reply:error:request-cycle: /u);
      expect(await ask(a!, `ask ${a!.id} hi`)).toMatch(/^error:request-cycle: /u);
      for (const actor of [a, b, c]) expect(actor!.status).toBe('running');
    });

    it('reports unknown, stopped and failing targets to the sender', async () => {
      await using system = await testSystem(placement);
      const [a, b] = await messengers(system, 2);
      const trapper = await system.spawn(await manifestOf('trapper'));
      expect(await ask(a!, 'tell nobody hi')).toBe('error:actor-not-found: no actor with id nobody');
      expect(await ask(a!, `ask ${trapper.id} trap`)).toMatch(/^error:actor-failed: /u);
      await b!.stop();
      expect(await ask(a!, `tell ${b!.id} hi`)).toMatch(/^error:actor-not-(found|running): /u);
      expect(await ask(a!, `ask ${b!.id} hi`)).toMatch(/^error:actor-not-(found|running): /u);
    });

    it('fails the deferred requests of an actor that stops', async () => {
      await using system = await testSystem(placement);
      const [b] = await messengers(system, 1);
      const pending = b!.request(text('defer'));
      await ask(b!, 'outstanding');
      await b!.stop();
      const error: unknown = await pending.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(isKernelError(error, 'actor-not-running')).toBe(true);
      expect((error as Error).message).toContain('stopped before answering the request');
    });

    it('tells the sender when the target mailbox is full, and drops nothing it accepted', async () => {
      await using system = await testSystem(placement);
      const [a, c] = await messengers(system, 2);
      const [b] = await messengers(system, 1, 2);
      // B blocks in a request C defers; meanwhile two sends fill its mailbox of 2.
      const blocked = b!.request(text(`ask ${c!.id} defer`));
      const [requestId] = await waitFor(
        async () => JSON.parse(await ask(c!, 'outstanding')) as string[],
        (ids) => ids.length === 1,
      );
      const queued = [system.send(b!.id, text('q1')), system.send(b!.id, text('q2'))];
      expect(await ask(a!, `tell ${b!.id} overflow`)).toMatch(/^error:mailbox-full: actor messenger .* has 2 operations waiting/u);
      expect(await ask(c!, `respond ${requestId} late`)).toBe('responded');
      expect(decode(await blocked)).toBe('reply:late');
      await Promise.all(queued);
      expect(await logOf(b!)).toEqual(['send q1', 'send q2']);
    });
  });

  describe('channels', () => {
    it('opens a channel the target accepts, carries messages both ways in order, and closes from either side', async () => {
      await using system = await testSystem(placement);
      const [a, b] = await messengers(system, 2);
      const opened = await ask(a!, `open ${b!.id} hello`);
      expect(opened).toMatch(/^channel:[0-9a-f-]{36}$/u);
      const channel = opened.slice('channel:'.length);
      expect(await ask(a!, `chan ${channel} ping 1`)).toBe('ok');
      expect(await ask(a!, `chan ${channel} ping 2`)).toBe('ok');
      expect(await ask(b!, `chan ${channel} pong`)).toBe('ok');
      expect(await logOf(b!)).toEqual([`open ${channel} hello`, `msg ${channel} ping 1`, `msg ${channel} ping 2`]);
      expect(await logOf(a!)).toEqual([`msg ${channel} welcome`, `msg ${channel} pong`]);
      expect(await ask(b!, `close ${channel}`)).toBe('closed');
      expect((await logOf(a!)).at(-1)).toBe(`close ${channel}`);
      expect(await ask(a!, `chan ${channel} late`)).toMatch(/^error:unknown-channel: /u);
      expect(await ask(b!, `close ${channel}`)).toMatch(/^error:unknown-channel: /u);

      const second = (await ask(a!, `open ${b!.id} again`)).slice('channel:'.length);
      expect(await ask(a!, `close ${second}`)).toBe('closed');
      expect((await logOf(b!)).at(-1)).toBe(`close ${second}`);
    });

    it('reports a rejected channel, and one on which a third actor tries to send', async () => {
      await using system = await testSystem(placement);
      const [a, b, c] = await messengers(system, 3);
      expect(await ask(a!, `open ${b!.id} reject`)).toBe(`error:channel-rejected: actor ${b!.id} rejected the channel`);
      const channel = (await ask(a!, `open ${b!.id} hi`)).slice('channel:'.length);
      expect(await ask(c!, `chan ${channel} intruder`)).toMatch(/^error:unknown-channel: /u);
    });

    it("closes an actor's channels when it stops, telling the other side", async () => {
      await using system = await testSystem(placement);
      const [a, b] = await messengers(system, 2);
      const channel = (await ask(a!, `open ${b!.id} hi`)).slice('channel:'.length);
      await b!.stop();
      expect(
        (
          await waitFor(
            () => logOf(a!),
            (log) => log.includes(`close ${channel}`),
          )
        ).at(-1),
      ).toBe(`close ${channel}`);
    });

    it('gives external holders channels too', async () => {
      await using system = await testSystem(placement);
      const [b] = await messengers(system, 1);
      const received: string[] = [];
      let closed = false;
      const channel = await system.openChannel(b!.id, text('from outside'), {
        onMessage: (message) => received.push(decode(message)),
        onClose: () => (closed = true),
      });
      expect(decode(channel.welcome)).toBe('welcome');
      channel.send(text('x'));
      expect(await ask(b!, `chan ${channel.id} back`)).toBe('ok');
      expect(received).toEqual(['welcome', 'back']);
      channel.close();
      expect(await logOf(b!)).toEqual([`open ${channel.id} from outside`, `msg ${channel.id} x`, `close ${channel.id}`]);
      expect(closed).toBe(false);
      expect(() => channel.send(text('after'))).toThrow(/unknown-channel|closed/u);
      await expect(system.openChannel(b!.id, text('reject'), { onMessage: () => {}, onClose: () => {} })).rejects.toMatchObject({
        code: 'channel-rejected',
      });
    });
  });

  describe('when a send returns', () => {
    it("returns from an actor's send once queued, and from system.send once handle-send ran and its state is committed", async () => {
      await using system = await testSystem(placement);
      const [a, b, c] = await messengers(system, 3);
      // b waits on a request c defers: it handles nothing else meanwhile.
      const waiting = ask(b!, `ask ${c!.id} defer`);
      await waitFor(
        () => ask(c!, 'outstanding'),
        (ids) => JSON.parse(ids).length === 1,
      );
      expect(await ask(a!, `tell ${b!.id} one`)).toBe('sent');
      expect(decode(b!.state())).not.toContain('send one');
      const sent = system.send(b!.id, text('two'));
      const [requestId] = JSON.parse(await ask(c!, 'outstanding')) as string[];
      expect(await ask(c!, `respond ${requestId} done`)).toBe('responded');
      expect(await waiting).toBe('reply:done');
      await sent;
      expect((JSON.parse(decode(b!.state())) as { log: string[] }).log).toEqual(['send one', 'send two']);
    });
  });

  describe('delivery needs the message-server grant', () => {
    it('refuses every message to an actor whose manifest does not grant message-server, naming the grant, and changes nothing', async () => {
      await using system = await testSystem(placement);
      // small exports message-server-client, but its manifest grants only runtime here.
      const base = await manifestOf('small');
      const deaf = await system.spawn({ ...base, handlers: base.handlers.filter((handler) => handler.type !== 'message-server') });
      const [sender] = await messengers(system, 1);
      const before = await deaf.events();
      const refusal = `actor small (${deaf.id}) receives no messages: its manifest does not grant the message-server handler (grant it with [[handler]] type = "message-server")`;
      const refused = { code: 'permission-denied', message: refusal };

      await expect(system.send(deaf.id, text('one'))).rejects.toMatchObject(refused);
      await expect(system.request(deaf.id, text('count'))).rejects.toMatchObject(refused);
      await expect(deaf.send(text('one'))).rejects.toMatchObject(refused);
      await expect(Promise.resolve().then(() => deaf.request(text('count')))).rejects.toMatchObject(refused);
      await expect(system.openChannel(deaf.id, text('hi'), { onMessage: () => {}, onClose: () => {} })).rejects.toMatchObject(refused);
      expect(await ask(sender!, `tell ${deaf.id} one`)).toBe(`error:permission-denied: ${refusal}`);
      expect(await ask(sender!, `ask ${deaf.id} count`)).toBe(`error:permission-denied: ${refusal}`);
      expect(await ask(sender!, `open ${deaf.id} hi`)).toBe(`error:permission-denied: ${refusal}`);

      expect(deaf.status).toBe('running');
      expect(await deaf.events()).toEqual(before);
      expect(Buffer.from(deaf.state()!).readUInt32LE(0)).toBe(0);
    });
  });

  describe('messaging and the chain', () => {
    it('records the host calls with their outcomes, and replays them without sending anything', async () => {
      await using system = await testSystem(placement);
      const [a, b] = await messengers(system, 2);
      await ask(a!, `tell ${b!.id} one`);
      await ask(a!, `ask ${b!.id} hi`);
      const channel = (await ask(a!, `open ${b!.id} hi`)).slice('channel:'.length);
      await ask(a!, `chan ${channel} ping`);
      await ask(a!, `close ${channel}`);
      const types = (await a!.events()).map((e) => e.type).filter((type) => type.includes('message-server-host'));
      expect(types).toEqual([
        'theater:simple/message-server-host.send',
        'theater:simple/message-server-host.request',
        'theater:simple/message-server-host.open-channel',
        'theater:simple/message-server-host.send-on-channel',
        'theater:simple/message-server-host.close-channel',
      ]);
      const before = (await logOf(b!)).length;
      await a!.stop();
      expect(await system.replay(a!.id)).toMatchObject({ ok: true });
      expect(await logOf(b!)).toHaveLength(before);
    });
  });

  /** Polls `read` until `done` holds (at most ~5 s). */
  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const value = await read();
      if (done(value) || attempt > 100) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});
