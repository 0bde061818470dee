import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from '@theater/kernel';
import { decode, manifestOf, testSystem, text } from './helpers.js';

describe('failure containment', () => {
  it('fails an actor whose init returns an error with init-failed, leaving the system running', async () => {
    await using system = await testSystem();
    const failures: InspectionEvent[] = [];
    system.inspect((event) => event.type === 'actor.failed' && failures.push(event));
    const error = await system.spawn(await manifestOf('init-error')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'init-failed' });
    expect((error as Error).message).toContain('init refused: bad config');
    expect(failures).toMatchObject([{ type: 'actor.failed', reason: 'init-failed', message: 'init refused: bad config' }]);
    expect((error as { actor?: { status: string; failure: unknown } }).actor).toMatchObject({
      status: 'failed',
      failure: { reason: 'init-failed', message: 'init refused: bad config', during: 'theater:simple/actor#init' },
    });
    expect(system.list()).toEqual([]);
    const echo = await system.spawn(await manifestOf('echo'));
    expect(decode(await echo.request(text('ok')))).toBe('echo:ok');
  });

  it('fails an actor that traps with trap and keeps its last committed state', async () => {
    await using system = await testSystem({ poolSize: 2 });
    const trapper = await system.spawn(await manifestOf('trapper'));
    const other = await system.spawn(await manifestOf('echo'));
    await trapper.send(text('fine'));
    const committed = trapper.state();
    await expect(trapper.send(text('trap'))).rejects.toMatchObject({ code: 'actor-failed' });
    expect(trapper.status).toBe('failed');
    expect(trapper.failure?.reason).toBe('trap');
    expect(trapper.failure?.during).toBe('theater:simple/message-server-client#handle-send');
    expect(trapper.state()).toEqual(committed);
    expect((await trapper.events()).at(-1)?.type).toBe('actor.fail');
    await expect(trapper.send(text('again'))).rejects.toMatchObject({ code: 'actor-not-running' });
    expect(decode(await other.request(text('still here')))).toBe('echo:still here');
  });

  it('terminates an infinite loop at its deadline with operation-timeout while another actor keeps answering', async () => {
    await using system = await testSystem({ poolSize: 2 });
    const base = await manifestOf('spinner');
    const spinner = await system.spawn({ ...base, limits: { ...base.limits, callTimeoutMs: 1500 } });
    const other = await system.spawn(await manifestOf('echo'));
    const started = Date.now();
    const spinning = spinner.send(text('spin')).catch((e: unknown) => e);
    // The kernel's event loop stays free: the other actor answers while the guest spins.
    const answers: string[] = [];
    while (spinner.status === 'running') {
      answers.push(decode(await other.request(text('ping'))));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await spinning).toMatchObject({ code: 'actor-failed' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(spinner.failure).toMatchObject({ reason: 'operation-timeout', during: 'theater:simple/message-server-client#handle-send' });
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.every((a) => a === 'echo:ping')).toBe(true);
  });

  it('stops a memory bomb at its memory cap with out-of-memory while another actor keeps answering', async () => {
    await using system = await testSystem({ poolSize: 2 });
    const bomb = await system.spawn(await manifestOf('memory-bomb'));
    const other = await system.spawn(await manifestOf('echo'));
    await bomb.send(text('small'));
    const exploding = bomb.send(text('bomb')).catch((e: unknown) => e);
    expect(decode(await other.request(text('ping')))).toBe('echo:ping');
    expect(await exploding).toMatchObject({ code: 'actor-failed' });
    expect(bomb.failure?.reason).toBe('out-of-memory');
    expect(decode(await other.request(text('pong')))).toBe('echo:pong');
    const rss = process.memoryUsage().rss;
    expect(rss).toBeLessThan(2 * 2 ** 30);
  });
});
