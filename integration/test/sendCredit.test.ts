/**
 * Send credit (kernel messaging/sendCredit.ts): an actor's consecutive sends to one target are answered by its
 * worker from credit, yet keep FIFO order per sender, never exceed the target's mailbox bound (a full mailbox is still
 * `mailbox-full` to the sender), and are recorded in the sender's chain as the guest saw them.
 */
import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import type { Actor, ActorSystem, InspectionEvent } from '@theater/kernel';
import { decode, manifestOf, PLACEMENTS, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

async function logOf(actor: Actor): Promise<string[]> {
  return JSON.parse(await ask(actor, 'log')) as string[];
}

/** messenger's `sendall`: the sends in a row, in one operation; the outcome of each. */
async function sendAll(from: Actor, sends: readonly (readonly [to: Actor | string, body: string])[]): Promise<string[]> {
  const pairs = sends.map(([to, body]) => `${typeof to === 'string' ? to : to.id}:${body}`);
  return JSON.parse(await ask(from, `sendall ${pairs.join(' ')}`)) as string[];
}

async function messenger(system: ActorSystem, mailbox?: number): Promise<Actor> {
  const base = await manifestOf('messenger');
  return system.spawn(mailbox === undefined ? base : { ...base, limits: { ...base.limits, mailbox } });
}

/** The outcomes of `sender`'s send host calls, in its chain: `ok` or the recorded error. */
async function recordedSends(system: ActorSystem, sender: Actor): Promise<string[]> {
  const events = await system.events(sender.id);
  return events
    .filter((event) => event.type === 'theater:simple/message-server-host.send')
    .map((event) => {
      const data = decodeEventData(event.data) as { error?: string };
      return data.error === undefined ? 'ok' : `error:${data.error}`;
    });
}

/** Polls `read` until `done` holds (at most ~5 s). */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt > 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(PLACEMENTS)('with %s', (_name, placement) => {
  it('keeps FIFO order per sender across credited and blocking sends, and across operations', async () => {
    await using system = await testSystem(placement);
    const a = await messenger(system);
    const b = await messenger(system, 64);
    // 200 sends in one operation: more than one grant of credit (each at most half of b's free room), so credited
    // and blocking sends alternate; b consumes meanwhile, making room for the next grants.
    const bodies = Array.from({ length: 200 }, (_, i) => `m${i}`);
    const outcomes = await sendAll(
      a,
      bodies.map((body) => [b, body] as const),
    );
    const accepted = bodies.filter((_, i) => outcomes[i] === 'sent');
    for (const outcome of outcomes) expect(outcome === 'sent' || outcome.startsWith('error:mailbox-full')).toBe(true);
    expect(await ask(a, `tell ${b.id} last`)).toBe('sent');
    expect(await logOf(b)).toEqual([...accepted, 'last'].map((body) => `send ${body}`));
    expect(await recordedSends(system, a)).toEqual([...outcomes.map((o) => (o === 'sent' ? 'ok' : o)), 'ok']);
  });

  it('blocks once the credit is spent and refuses with mailbox-full at the bound, dropping nothing it accepted', async () => {
    await using system = await testSystem(placement);
    const a = await messenger(system);
    const c = await messenger(system);
    const b = await messenger(system, 8);
    // B blocks in a request C defers: it consumes nothing while A sends.
    const blocked = b.request(text(`ask ${c.id} defer`));
    const [requestId] = await waitFor(
      async () => JSON.parse(await ask(c, 'outstanding')) as string[],
      (ids) => ids.length === 1,
    );
    const bodies = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const outcomes = await sendAll(
      a,
      bodies.map((body) => [b, body] as const),
    );
    // Credit never reaches past the bound: exactly 8 places, then every send is refused.
    expect(outcomes.slice(0, 8)).toEqual(Array(8).fill('sent'));
    for (const refused of outcomes.slice(8)) expect(refused).toMatch(/^error:mailbox-full: actor messenger .* has 8 operations waiting/u);
    // The chain holds what the guest saw, and a replay reproduces it.
    expect(await recordedSends(system, a)).toEqual(outcomes.map((o) => (o === 'sent' ? 'ok' : o)));
    expect(await system.replay(a.id)).toMatchObject({ ok: true });
    expect(await ask(c, `respond ${requestId} late`)).toBe('responded');
    expect(decode(await blocked)).toBe('reply:late');
    expect(await logOf(b)).toEqual(bodies.slice(0, 8).map((body) => `send ${body}`));
    // The credit went back with the operation: B's whole mailbox is free again.
    expect(
      await sendAll(
        a,
        bodies.slice(0, 8).map((body) => [b, body] as const),
      ),
    ).toEqual(Array(8).fill('sent'));
  });

  it('treats a credited send whose target stopped before delivery like a message left in its mailbox at the stop', async () => {
    await using system = await testSystem(placement);
    const a = await messenger(system);
    const t = await messenger(system);
    const c = await messenger(system);
    // X's mailbox of 1 is full: it blocks in a request C defers, with one send waiting behind it.
    const x = await messenger(system, 1);
    void x.request(text(`ask ${c.id} defer`)).catch(() => {});
    await waitFor(
      async () => JSON.parse(await ask(c, 'outstanding')) as string[],
      (ids) => ids.length === 1,
    );
    void system.send(x.id, text('fill')).catch(() => {});
    const rejected: InspectionEvent[] = [];
    // The send to X is refused in the kernel while A holds credit for T: T stops right then, so A's next sends to T
    // are answered ok from credit and reach a stopped target.
    system.inspect((event) => {
      if (event.type !== 'message.rejected') return;
      rejected.push(event);
      if (event.actorId === x.id) void t.stop();
    });
    const outcomes = await sendAll(a, [
      [t, 'one'],
      [x, 'two'],
      [t, 'three'],
      [t, 'four'],
    ]);
    expect(outcomes[0]).toBe('sent');
    expect(outcomes[1]).toMatch(/^error:mailbox-full: /u);
    expect(outcomes.slice(2)).toEqual(['sent', 'sent']);
    // Recorded as the guest saw it; replay reproduces it.
    expect(await recordedSends(system, a)).toEqual(['ok', outcomes[1], 'ok', 'ok']);
    expect(await system.replay(a.id)).toMatchObject({ ok: true });
    // Not delivered, and not silent: inspectors hear of each.
    const toT = rejected.filter((event) => event.type === 'message.rejected' && event.actorId === t.id);
    expect(toT).toHaveLength(2);
    expect(toT).toEqual(Array(2).fill(expect.objectContaining({ from: a.id, kind: 'send', code: 'actor-not-running' })));
    // Without credit now (a new operation): a send to the stopped T is refused to the guest.
    expect(await ask(a, `tell ${t.id} five`)).toMatch(/^error:actor-not-(running|found): /u);
  });

  it('delivers sends credited before their target restarted to the instance running under its id now', async () => {
    await using system = await testSystem(placement);
    const a = await messenger(system);
    const t = await messenger(system);
    const c = await messenger(system);
    // A earns credit for T, then blocks in a request C defers; T restarts meanwhile; A's next sends to T are credited.
    const outcomes = sendAll(a, [
      [t, 'one'],
      [`?${c.id}`, 'defer'],
      [t, 'two'],
      [t, 'three'],
    ]);
    const [requestId] = await waitFor(
      async () => JSON.parse(await ask(c, 'outstanding')) as string[],
      (ids) => ids.length === 1,
    );
    const restarted = await system.restart(t.id);
    expect(await ask(c, `respond ${requestId} ok`)).toBe('responded');
    expect(await outcomes).toEqual(['sent', 'reply:ok', 'sent', 'sent']);
    const log = await waitFor(
      () => logOf(restarted),
      (entries) => entries.includes('send three'),
    );
    expect(log.slice(-2)).toEqual(['send two', 'send three']);
    expect(await recordedSends(system, a)).toEqual(['ok', 'ok', 'ok']);
    expect(await system.replay(a.id)).toMatchObject({ ok: true });
  });
});
