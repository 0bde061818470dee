import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONTROL,
  FROM_WORKER,
  type FromWorker,
  INBOX,
  type InboxMessage,
  REPORT,
  replyTo,
  SandboxProtocolError,
  TO_WORKER,
  type WorkerReport,
} from '../src/sandbox/protocol.js';
import { tempDir } from './tempDir.js';

describe('replyTo', () => {
  it('returns the reply that names the call waiting for it', () => {
    const reply = { ok: true, value: 'answer', call: 3 } as const;
    expect(replyTo(3, reply)).toBe(reply);
  });

  it('refuses the reply to another call', () => {
    expect(() => replyTo(3, { ok: true, value: 'stale', call: 2 })).toThrow(
      new SandboxProtocolError('host call 3 got the reply to host call 2'),
    );
  });

  it('refuses a message that carries no call number', () => {
    expect(() => replyTo(1, { ok: true, value: 'unnumbered' })).toThrow(SandboxProtocolError);
    expect(() => replyTo(1, undefined)).toThrow('host call 1 got a message that is no host-call reply');
  });
});

/**
 * The real worker, driven as the kernel drives it. The glue stands in for a transpiled component: its one export
 * makes one blocking host call and returns what it got, so the test sees exactly what reached the guest.
 */
describe('sandbox worker host-call replies', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  });

  const GLUE = `
export async function instantiate(_getCoreModule, imports) {
  return { 'test:probe/ask': { ask: (state) => [state, imports['test:probe/host'].lookup('key')] } };
}`;

  /** Loads the glue into a fresh worker and runs `ask`; returns the host call report and a way to answer it. */
  async function askThroughWorker(gluePath: string) {
    const worker = new Worker(new URL('../src/sandbox/schedulerWorker.js', import.meta.url));
    workers.push(worker);
    const inbox: FromWorker[] = [];
    let notify = (): void => {};
    worker.on('message', (message: FromWorker) => {
      inbox.push(message);
      notify();
    });
    const next = async (kind: FromWorker['kind']): Promise<FromWorker> => {
      for (;;) {
        const index = inbox.findIndex((message) => message.kind === kind);
        if (index >= 0) return inbox.splice(index, 1)[0]!;
        await new Promise<void>((resolve) => (notify = resolve));
      }
    };
    await next(FROM_WORKER.ready);
    const control = new SharedArrayBuffer(CONTROL.bytes);
    const flags = new Int32Array(control);
    const channel = new MessageChannel();
    const post = (message: InboxMessage): void => {
      channel.port1.postMessage(message);
      Atomics.add(flags, CONTROL.signal, 1);
      Atomics.notify(flags, CONTROL.signal);
    };
    worker.postMessage({ kind: TO_WORKER.bind, control, inbox: channel.port2 }, [channel.port2]);
    worker.postMessage({
      kind: TO_WORKER.load,
      slot: 0,
      key: 'probe',
      spec: {
        key: 'probe',
        gluePath,
        modules: {},
        imports: { 'test:probe/host': { lookup: 'lookup' } },
        fallible: [],
        oneWay: [],
        memoryLimitBytes: 2 ** 20,
      },
      state: undefined,
    });
    expect(await next(FROM_WORKER.loaded)).toMatchObject({ kind: FROM_WORKER.loaded, slot: 0 });
    post([INBOX.run, 0, [[7, 'test:probe/ask', 'ask', []]]]);
    const batch = (await next(FROM_WORKER.batch)) as Extract<FromWorker, { kind: 'batch' }>;
    const hostCall = batch.items[0] as Extract<WorkerReport, readonly [typeof REPORT.hostCall, ...unknown[]]>;
    const answer = (reply: { call: number } & ({ ok: true; value: unknown } | { ok: false; error: string; fatal: boolean })): void =>
      post([INBOX.reply, reply]);
    const outcome = async (): Promise<WorkerReport> => {
      const reports = ((await next(FROM_WORKER.batch)) as Extract<FromWorker, { kind: 'batch' }>).items;
      channel.port1.close();
      return reports[0]!;
    };
    return { hostCall, answer, outcome };
  }

  it('numbers each blocking host call and hands the guest the reply carrying that number', async () => {
    await using dir = await tempDir();
    const gluePath = join(dir.path, 'glue.mjs');
    await writeFile(gluePath, GLUE);
    const { hostCall, answer, outcome } = await askThroughWorker(gluePath);
    expect(hostCall).toEqual([REPORT.hostCall, 7, expect.any(Number), 0, ['key'], 0, 1]);
    answer({ ok: true, value: 'the value', call: hostCall[6] });
    expect(await outcome()).toEqual([REPORT.done, 7, expect.any(Number), undefined, 'the value']);
  });

  it('fails the operation as a protocol error, not handing the guest a reply that names another call', async () => {
    await using dir = await tempDir();
    const gluePath = join(dir.path, 'glue.mjs');
    await writeFile(gluePath, GLUE);
    const { hostCall, answer, outcome } = await askThroughWorker(gluePath);
    answer({ ok: true, value: 'an answer meant for another call', call: hostCall[6] + 1 });
    expect(await outcome()).toEqual([
      REPORT.failed,
      7,
      expect.any(Number),
      { kind: 'internal', message: 'sandbox protocol error: host call 1 got the reply to host call 2' },
    ]);
  });
});
