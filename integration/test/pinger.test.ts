/** The benchmarks' messaging driver, pinger (test-actors/actors/pinger.wat), against the hand-written counter small. */
import { describe, expect, it } from 'vitest';
import { isKernelError, type ActorSystem } from '@theater/kernel';
import { manifestOf, testSystem, text } from './helpers.js';

/** pinger's loop request: `<op><count u32 le><target id>`. */
function loop(op: 'r' | 's', count: number, target: string): Uint8Array {
  const id = text(target);
  const message = new Uint8Array(5 + id.length);
  message[0] = op.charCodeAt(0);
  new DataView(message.buffer).setUint32(1, count, true);
  message.set(id, 5);
  return message;
}

const u32 = (bytes: Uint8Array | undefined): number => new DataView(bytes!.buffer, bytes!.byteOffset, 4).getUint32(0, true);

async function pair(system: ActorSystem) {
  const pinger = await system.spawn(await manifestOf('pinger'));
  const small = await system.spawn(await manifestOf('small'));
  return { pinger, small };
}

describe('pinger', () => {
  it('makes requests to another actor in one operation and replies with the last reply', async () => {
    await using system = await testSystem();
    const { pinger, small } = await pair(system);
    await small.send(text('x'));
    const reply = await pinger.request(loop('r', 3, small.id));
    expect(u32(reply)).toBe(1);
    expect(u32(pinger.state())).toBe(3);
    const events = await system.events(pinger.id);
    expect(events.filter((event) => event.type === 'theater:simple/message-server-host.request')).toHaveLength(3);
  });

  it('sends to another actor in one operation, and once per send it receives', async () => {
    await using system = await testSystem();
    const { pinger, small } = await pair(system);
    expect(u32(await pinger.request(loop('s', 5, small.id)))).toBe(5);
    await pinger.send(text(small.id));
    // small's mailbox is FIFO: this request is answered after every send queued before it.
    expect(u32(await small.request(text('count')))).toBe(6);
    expect(u32(pinger.state())).toBe(6);
  });

  it('fails with the guest error the host returned when a call is refused', async () => {
    await using system = await testSystem();
    const { pinger } = await pair(system);
    const error = await pinger.request(loop('r', 1, 'no-such-actor')).catch((caught: unknown) => caught);
    expect(isKernelError(error)).toBe(true);
    expect((await pinger.exited).status).toBe('failed');
  });

  it('fails with a guest error naming the expected form on a malformed request', async () => {
    await using system = await testSystem();
    const { pinger, small } = await pair(system);
    const error = await pinger.request(text('?')).catch((caught: unknown) => caught);
    expect(isKernelError(error)).toBe(true);
    expect(String((error as Error).message)).toContain('pinger: expected a request <op r|s><count u32 le><target id>');
    expect(u32(await small.request(text('count')))).toBe(0);
  });
});
