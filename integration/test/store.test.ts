/** The store handler through a real component: every function, isolation between actors, handed stores, admission, persistence. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import { defaultHandlers, type StoreHandlerConfig } from '@theater/handlers';
import { createActorSystem, type Actor, type Manifest } from '@theater/kernel';
import { decode, manifestOf, overseerManifest, tempDir, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

const sha = (content: string): string => createHash('sha256').update(content).digest('hex');

/** A keeper that is handed `stores` by its manifest. */
async function keeperHanded(stores: readonly string[], changes: Partial<Manifest> = {}): Promise<Manifest> {
  const manifest = await manifestOf('keeper', changes);
  const store: StoreHandlerConfig = { type: 'store', stores };
  return { ...manifest, handlers: manifest.handlers.map((h) => (h.type === 'store' ? store : h)) };
}

/** An overseer (a supervisor) that also holds a store grant, which its children's store grants need. */
async function overseerWith(store: StoreHandlerConfig): Promise<Manifest> {
  const manifest = await overseerManifest();
  return { ...manifest, handlers: [...manifest.handlers, store] };
}

/** The last recorded call of a store function. */
async function lastCall(actor: Actor, fn: string): Promise<unknown> {
  const event = (await actor.events()).filter((e) => e.type === `theater:simple/store.${fn}`).at(-1);
  expect(event, `a recorded call of ${fn}`).toBeDefined();
  return decodeEventData(event!.data);
}

const denied = (id: string): string => `permission-denied: store ${id} is not one this actor created or was handed`;

describe('store: content', () => {
  it('stores content under its SHA-256, once, and reads it back', async () => {
    await using system = await testSystem();
    const keeper = await system.spawn(await manifestOf('keeper'));
    const id = await ask(keeper, 'new');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
    expect(await lastCall(keeper, 'new')).toEqual({ args: [], result: id });

    const hello = await ask(keeper, `put ${id} hello world`);
    expect(hello).toBe(sha('hello world'));
    expect(await lastCall(keeper, 'store')).toEqual({ args: [id, text('hello world')], result: { hash: hello } });
    expect(await ask(keeper, `put ${id} hello world`)).toBe(hello);
    const empty = await ask(keeper, `put ${id} `);
    expect(empty).toBe(sha(''));

    expect(await ask(keeper, `get ${id} ${hello}`)).toBe('hello world');
    expect(await lastCall(keeper, 'get')).toEqual({ args: [id, { hash: hello }], result: text('hello world') });
    expect(await ask(keeper, `get ${id} ${empty}`)).toBe('');
    expect(await ask(keeper, `exists ${id} ${hello}`)).toBe('true');
    const absent = sha('never stored');
    expect(await ask(keeper, `exists ${id} ${absent}`)).toBe('false');
    expect(await ask(keeper, `get ${id} ${absent}`)).toBe(`error:content ${absent} is not in store ${id}`);
    expect(await lastCall(keeper, 'get')).toEqual({ args: [id, { hash: absent }], error: `content ${absent} is not in store ${id}` });

    expect(JSON.parse(await ask(keeper, `all ${id}`))).toEqual([hello, empty].sort());
    // Stored twice, counted once.
    expect(await ask(keeper, `size ${id}`)).toBe(String('hello world'.length));
    expect(await lastCall(keeper, 'calculate-total-size')).toEqual({ args: [id], result: 11n });
  });

  it('keeps each store separate, even between stores of one actor', async () => {
    await using system = await testSystem();
    const keeper = await system.spawn(await manifestOf('keeper'));
    const [first, second] = [await ask(keeper, 'new'), await ask(keeper, 'new')];
    expect(first).not.toBe(second);
    const hash = await ask(keeper, `put ${first} only in the first`);
    await ask(keeper, `label ${first} tag ${hash}`);
    expect(await ask(keeper, `exists ${second} ${hash}`)).toBe('false');
    expect(await ask(keeper, `all ${second}`)).toBe('[]');
    expect(await ask(keeper, `labels ${second}`)).toBe('[]');
    expect(await ask(keeper, `size ${second}`)).toBe('0');
    expect(await ask(keeper, `bylabel ${second} tag`)).toBe('none');
    expect(await ask(keeper, `label ${second} tag ${hash}`)).toBe(`error:content ${hash} is not in store ${second}`);
  });

  it('rejects malformed content refs and labels with clear errors', async () => {
    await using system = await testSystem();
    const keeper = await system.spawn(await manifestOf('keeper'));
    const id = await ask(keeper, 'new');
    const hash = await ask(keeper, `put ${id} x`);
    const badRef = 'error:invalid content ref: expected a SHA-256 hash as 64 lowercase hex digits, got';
    expect(await ask(keeper, `get ${id} abc`)).toBe(`${badRef} "abc"`);
    expect(await ask(keeper, `exists ${id} ${hash.toUpperCase()}`)).toBe(`${badRef} "${hash.toUpperCase()}"`);
    expect(await ask(keeper, `label ${id} tag ../${hash.slice(3)}`)).toBe(`${badRef} "../${hash.slice(3)}"`);
    expect(await lastCall(keeper, 'label')).toEqual({
      args: [id, 'tag', { hash: `../${hash.slice(3)}` }],
      error: `${badRef.slice(6)} "../${hash.slice(3)}"`,
    });
    expect(await ask(keeper, `get ${id} ${'a'.repeat(100)}`)).toBe(`${badRef} "${'a'.repeat(80)}"… (100 characters)`);
    expect(await ask(keeper, `label ${id}  ${hash}`)).toBe('error:invalid label: expected a non-empty string');
    expect(await ask(keeper, `putat ${id} ${'l'.repeat(1025)} x`)).toBe(
      'error:invalid label: 1025 characters long; at most 1024 are allowed',
    );
    expect(await ask(keeper, `label ${id} ${'l'.repeat(1024)} ${hash}`)).toBe('ok');
    expect(await ask(keeper, `labels ${id}`)).toBe(JSON.stringify(['l'.repeat(1024)]));
  });
});

describe('store: labels', () => {
  it('labels content, reads the latest, and removes refs and labels', async () => {
    await using system = await testSystem();
    const keeper = await system.spawn(await manifestOf('keeper'));
    const id = await ask(keeper, 'new');
    const [one, two] = [await ask(keeper, `put ${id} one`), await ask(keeper, `put ${id} two`)];

    expect(await ask(keeper, `bylabel ${id} notes`)).toBe('none');
    expect(await lastCall(keeper, 'get-by-label')).toEqual({ args: [id, 'notes'], result: null });
    expect(await ask(keeper, `label ${id} notes ${one}`)).toBe('ok');
    expect(await lastCall(keeper, 'label')).toEqual({ args: [id, 'notes', { hash: one }], result: null });
    expect(await ask(keeper, `label ${id} notes ${two}`)).toBe('ok');
    expect(await ask(keeper, `bylabel ${id} notes`)).toBe(two);
    expect(await lastCall(keeper, 'get-by-label')).toEqual({ args: [id, 'notes'], result: { hash: two } });
    // Labelling a ref the label holds moves it to the end rather than adding it twice.
    expect(await ask(keeper, `label ${id} notes ${one}`)).toBe('ok');
    expect(await ask(keeper, `bylabel ${id} notes`)).toBe(one);
    expect(await ask(keeper, `unlabelref ${id} notes ${one}`)).toBe('ok');
    expect(await ask(keeper, `bylabel ${id} notes`)).toBe(two);
    expect(await ask(keeper, `unlabelref ${id} notes ${one}`)).toBe(`error:label "notes" of store ${id} does not hold ${one}`);
    expect(await lastCall(keeper, 'remove-from-label')).toEqual({
      args: [id, 'notes', { hash: one }],
      error: `label "notes" of store ${id} does not hold ${one}`,
    });

    expect(await ask(keeper, `label ${id} zeta ${one}`)).toBe('ok');
    expect(await ask(keeper, `label ${id} alpha ${two}`)).toBe('ok');
    expect(await ask(keeper, `labels ${id}`)).toBe(JSON.stringify(['alpha', 'notes', 'zeta']));
    expect(await lastCall(keeper, 'list-labels')).toEqual({ args: [id], result: ['alpha', 'notes', 'zeta'] });
    // Taking the last ref off a label removes the label.
    expect(await ask(keeper, `unlabelref ${id} zeta ${one}`)).toBe('ok');
    expect(await ask(keeper, `bylabel ${id} zeta`)).toBe('none');
    expect(await ask(keeper, `unlabel ${id} notes`)).toBe('ok');
    expect(await lastCall(keeper, 'remove-label')).toEqual({ args: [id, 'notes'], result: null });
    expect(await ask(keeper, `unlabel ${id} notes`)).toBe('ok');
    expect(await ask(keeper, `bylabel ${id} notes`)).toBe('none');
    expect(await ask(keeper, `labels ${id}`)).toBe(JSON.stringify(['alpha']));
    // Content outlives its labels.
    expect(await ask(keeper, `get ${id} ${one}`)).toBe('one');
  });

  it('stores at a label, and replaces what a label holds with new or existing content', async () => {
    await using system = await testSystem();
    const keeper = await system.spawn(await manifestOf('keeper'));
    const id = await ask(keeper, 'new');
    const first = await ask(keeper, `putat ${id} doc first draft`);
    expect(first).toBe(sha('first draft'));
    expect(await lastCall(keeper, 'store-at-label')).toEqual({ args: [id, 'doc', text('first draft')], result: { hash: first } });
    const second = await ask(keeper, `putat ${id} doc second draft`);
    expect(await ask(keeper, `bylabel ${id} doc`)).toBe(second);
    expect(await ask(keeper, `get ${id} ${second}`)).toBe('second draft');

    const final = await ask(keeper, `replacecontent ${id} doc final text`);
    expect(final).toBe(sha('final text'));
    expect(await lastCall(keeper, 'replace-content-at-label')).toEqual({ args: [id, 'doc', text('final text')], result: { hash: final } });
    expect(await ask(keeper, `bylabel ${id} doc`)).toBe(final);
    // The label holds only the replacement now.
    expect(await ask(keeper, `unlabelref ${id} doc ${second}`)).toBe(`error:label "doc" of store ${id} does not hold ${second}`);
    expect(await ask(keeper, `unlabelref ${id} doc ${final}`)).toBe('ok');
    expect(await ask(keeper, `bylabel ${id} doc`)).toBe('none');

    await ask(keeper, `putat ${id} doc again`);
    expect(await ask(keeper, `replaceat ${id} doc ${first}`)).toBe('ok');
    expect(await lastCall(keeper, 'replace-at-label')).toEqual({ args: [id, 'doc', { hash: first }], result: null });
    expect(await ask(keeper, `bylabel ${id} doc`)).toBe(first);
    expect(await ask(keeper, `unlabelref ${id} doc ${first}`)).toBe('ok');
    expect(await ask(keeper, `bylabel ${id} doc`)).toBe('none');
    const absent = sha('absent');
    expect(await ask(keeper, `replaceat ${id} doc ${absent}`)).toBe(`error:content ${absent} is not in store ${id}`);
    expect(await lastCall(keeper, 'replace-at-label')).toEqual({
      args: [id, 'doc', { hash: absent }],
      error: `content ${absent} is not in store ${id}`,
    });

    expect(JSON.parse(await ask(keeper, `all ${id}`))).toEqual([first, second, final, sha('again')].sort());
    const total = ['first draft', 'second draft', 'final text', 'again'].reduce((sum, s) => sum + s.length, 0);
    expect(await ask(keeper, `size ${id}`)).toBe(String(total));
  });
});

describe('store: who sees which store', () => {
  it("refuses every function on another actor's store, or an unknown one, with the same message, recorded in the chain", async () => {
    await using system = await testSystem();
    const owner = await system.spawn(await manifestOf('keeper'));
    const intruder = await system.spawn(await manifestOf('keeper'));
    const id = await ask(owner, 'new');
    const hash = await ask(owner, `putat ${id} secret the secret`);

    const attempts: [command: string, fn: string, args: unknown[]][] = [
      [`put ${id} x`, 'store', [id, text('x')]],
      [`get ${id} ${hash}`, 'get', [id, { hash }]],
      [`exists ${id} ${hash}`, 'exists', [id, { hash }]],
      [`label ${id} mine ${hash}`, 'label', [id, 'mine', { hash }]],
      [`bylabel ${id} secret`, 'get-by-label', [id, 'secret']],
      [`unlabel ${id} secret`, 'remove-label', [id, 'secret']],
      [`unlabelref ${id} secret ${hash}`, 'remove-from-label', [id, 'secret', { hash }]],
      [`putat ${id} secret x`, 'store-at-label', [id, 'secret', text('x')]],
      [`replacecontent ${id} secret x`, 'replace-content-at-label', [id, 'secret', text('x')]],
      [`replaceat ${id} secret ${hash}`, 'replace-at-label', [id, 'secret', { hash }]],
      [`labels ${id}`, 'list-labels', [id]],
      [`all ${id}`, 'list-all-content', [id]],
      [`size ${id}`, 'calculate-total-size', [id]],
    ];
    for (const [command, fn, args] of attempts) {
      expect(await ask(intruder, command), command).toBe(`error:${denied(id)}`);
      expect(await lastCall(intruder, fn)).toEqual({ args, error: denied(id) });
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await ask(intruder, `labels ${unknown}`)).toBe(`error:${denied(unknown)}`);
    expect(await ask(intruder, `get ${unknown} ${hash}`)).toBe(`error:${denied(unknown)}`);

    // Nothing the intruder tried changed the owner's store.
    expect(await ask(owner, `labels ${id}`)).toBe('["secret"]');
    expect(await ask(owner, `bylabel ${id} secret`)).toBe(hash);
    expect(await ask(owner, `all ${id}`)).toBe(JSON.stringify([hash]));
  });

  it('lets an actor use a store its manifest hands it, and nothing else of the owner', async () => {
    await using system = await testSystem();
    const owner = await system.spawn(await manifestOf('keeper'));
    const [shared, own] = [await ask(owner, 'new'), await ask(owner, 'new')];
    const hash = await ask(owner, `putat ${shared} greeting hello`);
    const guest = await system.spawn(await keeperHanded([shared]));
    expect(await ask(guest, `get ${shared} ${hash}`)).toBe('hello');
    expect(await ask(guest, `bylabel ${shared} greeting`)).toBe(hash);
    const reply = await ask(guest, `putat ${shared} reply hi back`);
    expect(await ask(owner, `bylabel ${shared} reply`)).toBe(reply);
    expect(await ask(owner, `get ${shared} ${reply}`)).toBe('hi back');
    expect(await ask(guest, `labels ${own}`)).toBe(`error:${denied(own)}`);
  });

  it('loses no label update when two actors write one store at once', async () => {
    await using system = await testSystem({ poolSize: 2 });
    const owner = await system.spawn(await manifestOf('keeper'));
    const id = await ask(owner, 'new');
    const guest = await system.spawn(await keeperHanded([id]));
    const write = async (actor: Actor, who: string): Promise<string[]> => {
      const hashes: string[] = [];
      for (let i = 0; i < 10; i++) hashes.push(await ask(actor, `putat ${id} shared ${who}-${i}`));
      return hashes;
    };
    const [a, b] = await Promise.all([write(owner, 'owner'), write(guest, 'guest')]);
    for (const hash of [...a, ...b]) expect(await ask(owner, `unlabelref ${id} shared ${hash}`)).toBe('ok');
    expect(await ask(owner, `labels ${id}`)).toBe('[]');
  });

  it("keeps an actor's stores across its restart, since the restarted actor keeps its id", async () => {
    await using system = await testSystem();
    const overseer = await system.spawn(await overseerWith({ type: 'store' }));
    const child = await ask(overseer, 'spawn manifests/keeper.toml');
    expect(child).toMatch(/^[0-9a-f-]{36}$/u);
    const id = await ask(system.get(child)!, 'new');
    const hash = await ask(system.get(child)!, `putat ${id} kept across restart`);
    expect(await ask(overseer, `restart ${child}`)).toBe('ok');
    expect(await ask(system.get(child)!, `get ${id} ${hash}`)).toBe('across restart');
    expect(await ask(system.get(child)!, `bylabel ${id} kept`)).toBe(hash);
  });
});

describe('store: admission', () => {
  it('refuses to start an actor handed a store that does not exist, naming it', async () => {
    await using system = await testSystem();
    const missing = '00000000-0000-4000-8000-000000000000';
    const error = await system.spawn(await keeperHanded([missing])).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'invalid-grant',
      message: `handler[2].stores[0]: keeper is handed store ${missing}, which does not exist`,
    });
    expect(system.list()).toEqual([]);
  });

  it('refuses a child handed a store its parent cannot see, and admits one its parent was handed', async () => {
    await using system = await testSystem();
    const owner = await system.spawn(await manifestOf('keeper'));
    const id = await ask(owner, 'new');
    const hash = await ask(owner, `put ${id} for the child`);
    const childToml = [
      'name = "keeper-child"',
      'version = "0.1.0"',
      'component = "dist/keeper.wasm"',
      '[[handler]]',
      'type = "runtime"',
      '[[handler]]',
      'type = "message-server"',
      '[[handler]]',
      'type = "store"',
      `stores = ["${id}"]`,
    ].join('\n');

    // The overseer may use stores, but created none and was handed none: it cannot hand this one on.
    const blind = await system.spawn(await overseerWith({ type: 'store' }));
    expect(await ask(blind, `spawn ${childToml}`)).toBe(
      `error:permission-denied: handler[2].stores[0] (line 10): child keeper-child is handed store ${id}, which its parent ${blind.id} cannot see`,
    );
    expect(await ask(blind, 'children')).toBe('[]');
    expect(
      system
        .list()
        .map((a) => a.id)
        .sort(),
    ).toEqual([owner.id, blind.id].sort());

    // Handed the store itself, an overseer may hand it on.
    const sighted = await system.spawn(await overseerWith({ type: 'store', stores: [id] }));
    const child = await ask(sighted, `spawn ${childToml}`);
    expect(child).toMatch(/^[0-9a-f-]{36}$/u);
    expect(await ask(system.get(child)!, `get ${id} ${hash}`)).toBe('for the child');
  });
});

describe('store: persistence', () => {
  it('keeps content and labels when the system closes and a new one opens the same home', async () => {
    await using home = await tempDir();
    await using first = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const keeper = await first.spawn(await manifestOf('keeper', { saveChain: false }));
    const id = await ask(keeper, 'new');
    const one = await ask(keeper, `putat ${id} log entry one`);
    const two = await ask(keeper, `putat ${id} log entry two`);
    await ask(keeper, `label ${id} first ${one}`);
    await first.close();

    await using second = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const reader = await second.spawn(await keeperHanded([id]));
    expect(await ask(reader, `get ${id} ${one}`)).toBe('entry one');
    expect(await ask(reader, `bylabel ${id} log`)).toBe(two);
    expect(await ask(reader, `labels ${id}`)).toBe(JSON.stringify(['first', 'log']));
    expect(JSON.parse(await ask(reader, `all ${id}`))).toEqual([one, two].sort());
    expect(await ask(reader, `size ${id}`)).toBe(String('entry one'.length + 'entry two'.length));
    // The store still belongs to the actor id that created it.
    const again = await second.spawn(await manifestOf('keeper', { saveChain: false }), { id: keeper.id });
    expect(await ask(again, `unlabelref ${id} log ${two}`)).toBe('ok');
    expect(await ask(again, `bylabel ${id} log`)).toBe(one);
  });
});
