/**
 * A request between two actors of one shared worker is answered in the worker (the target's reply resumes the
 * requester at once; packages/kernel/src/sandbox/directReply.ts). The chains must not tell the difference: the
 * target's handling of each request, then the requester's host call with the reply, every chain replayable.
 */
import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import type { ActorSystem } from '@theater/kernel';
import { manifestOf, testSystem, text } from './helpers.js';

/** pinger's loop request: `<op><count u32 le><target id>`. */
function loop(count: number, target: string): Uint8Array {
  const id = text(target);
  const message = new Uint8Array(5 + id.length);
  message[0] = 'r'.charCodeAt(0);
  new DataView(message.buffer).setUint32(1, count, true);
  message.set(id, 5);
  return message;
}

const u32 = (bytes: Uint8Array | undefined): number => new DataView(bytes!.buffer, bytes!.byteOffset, 4).getUint32(0, true);

async function coResidents(system: ActorSystem) {
  const pinger = await system.spawn(await manifestOf('pinger'));
  const small = await system.spawn(await manifestOf('small'));
  return { pinger, small };
}

describe('a request between actors of one shared worker', () => {
  it("records the target's handling and the requester's host call with the reply, in order, and replays", async () => {
    await using system = await testSystem({ isolation: 'shared', schedulerWorkers: 1 });
    const { pinger, small } = await coResidents(system);
    await small.send(text('x'));
    for (const count of [1, 25, 3]) expect(u32(await pinger.request(loop(count, small.id)))).toBe(1);
    await small.send(text('x'));
    expect(u32(await pinger.request(loop(2, small.id)))).toBe(2);

    const requests = (await pinger.events()).filter((event) => event.type === 'theater:simple/message-server-host.request');
    expect(requests).toHaveLength(31);
    const replies = requests.map((event) => u32((decodeEventData(event.data) as { result: Uint8Array }).result));
    expect(replies).toEqual([...Array<number>(29).fill(1), 2, 2]);
    // Each of pinger's operations: its call, its requests, its result, nothing of it after.
    const types = (await pinger.events()).map((event) => event.type).filter((type) => type !== 'theater:simple/runtime.log');
    const ops = types.join(' ').split('wasm.call').slice(2); // after init
    expect(ops.map((op) => op.trim().split(' ').at(-1))).toEqual(['wasm.result', 'wasm.result', 'wasm.result', 'wasm.result']);

    const handled = (await small.events()).filter((event) => event.type === 'wasm.result');
    // init, two sends and 31 requests.
    expect(handled).toHaveLength(34);
    await pinger.stop();
    await small.stop();
    expect(await system.replay(pinger.id)).toMatchObject({ ok: true });
    expect(await system.replay(small.id)).toMatchObject({ ok: true });
  });
});
