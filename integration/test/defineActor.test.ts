/**
 * An actor written with `defineActor` (test-actors `notebook`), built into a real component and run in a real actor
 * system: typed JSON state and messages, plain-value replies, error replies the requester tells apart, failures that
 * keep let-it-crash semantics, and the typed requester helper of `@theater/sdk/messaging`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, ActorSystem } from '@theater/kernel';
import { decode, manifestOf, testActorsDir, testSystem, text } from './helpers.js';

const json = (value: unknown): Uint8Array => text(JSON.stringify(value));

async function ask(actor: Actor, query: unknown): Promise<unknown> {
  return JSON.parse(decode(await actor.request(json(query))));
}

/** A notebook whose directory is test-actors/, so it may spawn `manifests/notebook.toml` children. */
async function notebook(system: ActorSystem): Promise<Actor> {
  return system.spawn(await manifestOf('notebook', { baseDir: testActorsDir }));
}

/** Polls until `done` holds (at most ~10 s). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached');
}

describe('an actor written with defineActor', () => {
  // One system for the file (each test spawns its own actors): a fresh home re-transpiles the 12 MB component.
  let system: ActorSystem & AsyncDisposable;
  beforeAll(async () => {
    system = await testSystem();
  });
  afterAll(async () => {
    await system[Symbol.asyncDispose]();
  });

  it('keeps its typed state across sends and answers requests with plain values in the reply envelope', async () => {
    const notes = await notebook(system);
    await notes.send(json({ add: 'milk' }));
    await notes.send(json({ add: 'eggs' }));
    expect(decode(await notes.request(json({ count: true })))).toBe('{"ok":{"count":2}}');
    expect(await ask(notes, { list: true })).toEqual({ ok: ['milk', 'eggs'] });
    expect(JSON.parse(decode(notes.state()))).toEqual({ notes: ['milk', 'eggs'], deferred: [], reports: [] });
  });

  it('answers with an error reply the requester tells apart, and keeps running', async () => {
    const notes = await notebook(system);
    await notes.send(json({ add: 'milk' }));
    expect(await ask(notes, { get: 5 })).toEqual({ error: { code: 'not-found', message: 'no note 5' } });
    expect(await ask(notes, { get: 'milk' })).toEqual({ error: { code: 'not-found', message: 'no note milk' } });
    expect(decode(await notes.request(text('count')))).toMatch(
      /^\{"error":\{"code":"bad-request","message":"the request does not decode \(json\): /u,
    );
    expect(notes.status).toBe('running');
    expect(await ask(notes, { get: 0 })).toEqual({ ok: 'milk' });
  });

  it('answers a deferred request later through respond and respondError', async () => {
    const notes = await notebook(system);
    const first = notes.request(json({ defer: true }));
    const second = notes.request(json({ defer: true }));
    expect(await ask(notes, { answer: { value: { late: true } } })).toEqual({ ok: 'answered' });
    expect(await ask(notes, { answer: { error: { code: 'gave-up', message: 'too late' } } })).toEqual({ ok: 'answered' });
    expect(JSON.parse(decode(await first))).toEqual({ ok: { late: true } });
    expect(JSON.parse(decode(await second))).toEqual({ error: { code: 'gave-up', message: 'too late' } });
  });

  it('fails on a thrown ActorError: the sender is refused, the chain records guest-error with its message', async () => {
    const notes = await notebook(system);
    await notes.send(json({ add: 'milk' }));
    await expect(notes.send(json({ fail: 'out of paper' }))).rejects.toMatchObject({ code: 'actor-failed' });
    expect(await notes.exited).toMatchObject({ status: 'failed', failure: { reason: 'guest-error', message: 'out of paper' } });
    const events = await notes.events();
    expect(events.map((event) => event.type).slice(-2)).toEqual(['wasm.error', 'actor.fail']);
  });

  it('fails on any other throw too, with the handler and the error in the message instead of a bare trap', async () => {
    const notes = await notebook(system);
    await expect(notes.send(json({ bug: true }))).rejects.toMatchObject({ code: 'actor-failed' });
    expect(await notes.exited).toMatchObject({
      status: 'failed',
      failure: { reason: 'guest-error', message: 'onSend threw TypeError: a bug in onSend' },
    });
  });

  it('gives a requester using @theater/sdk/messaging the typed result: value, error reply or host failure', async () => {
    const notes = await notebook(system);
    const requester = await notebook(system);
    await notes.send(json({ add: 'milk' }));
    expect(await ask(requester, { ask: { to: notes.id, query: { count: true } } })).toEqual({ ok: { ok: true, value: { count: 1 } } });
    expect(await ask(requester, { ask: { to: notes.id, query: { get: 3 } } })).toEqual({
      ok: { ok: false, error: { code: 'not-found', message: 'no note 3' } },
    });
    const missing = (await ask(requester, { ask: { to: 'no-such-actor', query: { count: true } } })) as {
      error: { code: string; message: string; details: unknown };
    };
    expect(missing.error.code).toBe('request-failed');
    expect(missing.error.details).toEqual({ code: 'actor-not-found' });
    expect(missing.error.message).toMatch(/^request to no-such-actor failed: actor-not-found: /u);
    expect(requester.status).toBe('running');
    expect(notes.status).toBe('running');
  });

  it("reports a child's failure to its defineActor supervisor, which restarts it with its last committed state", async () => {
    const parent = await notebook(system);
    const child = (await ask(parent, { spawn: 'manifests/notebook.toml' })) as { ok: string };
    expect(child.ok).toMatch(/^[0-9a-f-]{36}$/u);
    await system.send(child.ok, json({ add: 'kept' }));
    await expect(system.send(child.ok, json({ fail: 'child gave up' }))).rejects.toMatchObject({ code: 'actor-failed' });
    await until(async () => ((await ask(parent, { reports: true })) as { ok: string[] }).ok.length > 0);
    expect(await ask(parent, { reports: true })).toEqual({ ok: [`${child.ok} guest-error: child gave up`] });
    await until(() => system.get(child.ok)?.status === 'running');
    expect(await ask(parent, { ask: { to: child.ok, query: { list: true } } })).toEqual({ ok: { ok: true, value: ['kept'] } });
  });
});
