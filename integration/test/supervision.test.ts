/** Supervision with real components: the supervisor interface, OTP strategies and restart types, intensity, subtrees. */
import { copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestClock, type Actor, type ActorSystem, type InspectionEvent } from '@theater/kernel';
import { testActorComponent } from '@theater/test-actors';
import { decode, manifestOf, overseerManifest, PLACEMENTS, tempDir, testActorsDir, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

/** A worker manifest as inline TOML (paths relative to the overseer's directory, test-actors/). */
function worker(component: 'trapper' | 'echo', restart: 'permanent' | 'transient' | 'temporary' = 'permanent'): string {
  return [
    `name = "${component}-worker"`,
    'version = "0.1.0"',
    `component = "dist/${component}.wasm"`,
    `restart = "${restart}"`,
    '[[handler]]',
    'type = "runtime"',
    '[[handler]]',
    'type = "message-server"',
  ].join('\n');
}

/** An overseer manifest as inline TOML, with its strategy and intensity. */
function overseerToml(strategy: string, maxRestarts: number): string {
  return [
    'name = "overseer"',
    'version = "0.1.0"',
    'component = "dist/overseer.wasm"',
    '[supervision]',
    `strategy = "${strategy}"`,
    `max_restarts = ${maxRestarts}`,
    'within_ms = 60000',
    '[[handler]]',
    'type = "runtime"',
    '[[handler]]',
    'type = "message-server"',
    '[[handler]]',
    'type = "supervisor"',
  ].join('\n');
}

async function overseer(system: ActorSystem, strategy = 'one-for-one', maxRestarts = 3): Promise<Actor> {
  const manifest = await overseerManifest();
  return system.spawn({ ...manifest, supervision: { strategy: strategy as 'one-for-one', maxRestarts, withinMs: 60_000 } });
}

async function spawnChild(parent: Actor, manifest: string): Promise<string> {
  const id = await ask(parent, `spawn ${manifest}`);
  expect(id).toMatch(/^[0-9a-f-]{36}$/u);
  return id;
}

/** Polls until `done` holds (at most ~10 s). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached');
}

describe.each(PLACEMENTS)('with %s', (_name, placement) => {
  describe('the supervisor interface', () => {
    it('spawns, lists, reads, restarts, stops and resumes a child, which keeps its id, state and chain', async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      expect(await ask(parent, 'children')).toBe(JSON.stringify([child]));
      await system.send(child, text('one'));
      expect(await ask(parent, `state ${child}`)).toBe('{"count":1}');
      expect(JSON.parse(await ask(parent, `events ${child}`))).toEqual([
        'actor.spawn',
        'wasm.call',
        'theater:simple/runtime.log',
        'wasm.result',
        'wasm.call',
        'wasm.result',
      ]);

      const first = system.get(child);
      expect(await ask(parent, `restart ${child}`)).toBe('ok');
      expect(system.get(child)).not.toBe(first);
      expect(first?.status).toBe('stopped');
      expect(await ask(parent, `state ${child}`)).toBe('{"count":1}');
      const types = JSON.parse(await ask(parent, `events ${child}`)) as string[];
      expect(types.slice(-5)).toEqual(['actor.stop', 'actor.restart', 'wasm.call', 'theater:simple/runtime.log', 'wasm.result']);
      expect(await system.verify(child)).toMatchObject({ ok: true });

      expect(await ask(parent, `stop ${child}`)).toBe('ok');
      expect(await ask(parent, 'children')).toBe('[]');
      expect(system.get(child)).toBeUndefined();
      expect(await ask(parent, `resume ${child}`)).toBe(child);
      expect(system.get(child)?.status).toBe('running');
      expect(await ask(parent, `state ${child}`)).toBe('{"count":1}');
      // Stopping a child itself is not reported to the parent; nothing failed.
      expect(await ask(parent, 'log')).toBe('[]');
    });

    it("spawns from a path relative to the parent's manifest or from inline TOML, and refuses a bad manifest", async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      await spawnChild(parent, 'manifests/echo.toml');
      await spawnChild(parent, worker('echo'));
      expect(await ask(parent, 'spawn manifests/missing.toml')).toMatch(/^error:manifest-not-found: /u);
      expect(await ask(parent, 'spawn name = 1')).toMatch(/^error:invalid-manifest: /u);
      expect(JSON.parse(await ask(parent, 'children'))).toHaveLength(2);
    });

    it('refuses a child that asks for more than its parent holds, naming the excess', async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const greedy = `${worker('echo')}\n[[handler]]\ntype = "environment"\nallowed_vars = ["HOME"]`;
      expect(await ask(parent, `spawn ${greedy}`)).toBe(
        'error:permission-denied: child echo-worker asks for more than its parent overseer holds: handler "environment", which the parent does not have',
      );
      expect(await ask(parent, 'children')).toBe('[]');
      expect(system.list().map((actor) => actor.id)).toEqual([parent.id]);
    });

    it("refuses a child with larger limits than its parent's, unset ones included, or without the chain its parent keeps", async () => {
      await using system = await testSystem(placement);
      const manifest = await overseerManifest();
      const parent = await system.spawn({ ...manifest, limits: { ...manifest.limits, memoryMb: 128, mailbox: 64 } });
      const refusal = (excess: string): string =>
        `error:permission-denied: child echo-worker asks for more than its parent overseer holds: ${excess}`;
      const setIt = (value: number): string => `(a limit left unset takes its default; set it to at most ${value})`;
      expect(await ask(parent, `spawn ${worker('echo')}`)).toBe(
        refusal(`limits.memory_mb 256 exceeds the parent's 128 ${setIt(128)}; limits.mailbox 1024 exceeds the parent's 64 ${setIt(64)}`),
      );
      const within = `${worker('echo')}\n[limits]\nmemory_mb = 128\nmailbox = 16`;
      expect(await ask(parent, `spawn save_chain = false\n${within}`)).toBe(
        refusal("save_chain is false, but the parent's chain is saved"),
      );
      expect(await ask(parent, 'children')).toBe('[]');
      expect(system.list().map((actor) => actor.id)).toEqual([parent.id]);
      const child = await spawnChild(parent, within);
      expect(system.get(child)!.manifest.limits).toMatchObject({ memoryMb: 128, mailbox: 16 });
    });

    it('does not resume a child with more than its parent holds now, though it fit the parent it had', async () => {
      await using system = await testSystem(placement);
      const manifest = await overseerManifest();
      const first = await system.spawn({ ...manifest, saveChain: false }, { id: 'narrowing-parent' });
      const child = await spawnChild(first, worker('echo'));
      await first.stop();
      expect(system.get(child)).toBeUndefined();
      // The same parent id, now with half the memory: the child as recorded asks for more than that.
      const narrowed = await system.spawn(
        { ...manifest, saveChain: false, limits: { ...manifest.limits, memoryMb: 128 } },
        { id: 'narrowing-parent' },
      );
      expect(await ask(narrowed, `resume ${child}`)).toBe(
        `error:permission-denied: child echo-worker asks for more than its parent overseer holds: limits.memory_mb 256 exceeds the parent's 128 (a limit left unset takes its default; set it to at most 128)`,
      );
      expect(system.get(child)).toBeUndefined();
    });

    it('lets only the parent act on a child', async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const stranger = await overseer(system);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      for (const command of ['stop', 'restart', 'state', 'events', 'resume']) {
        expect(await ask(stranger, `${command} ${child}`)).toMatch(/^error:permission-denied: /u);
      }
      expect(system.get(child)?.status).toBe('running');
    });

    it('tells the parent of each failure with its wit-error-type, and of each exit with its data', async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const trapper = await spawnChild(parent, worker('trapper', 'temporary'));
      const failing = await spawnChild(parent, worker('trapper', 'temporary'));
      const quitter = await spawnChild(parent, worker('echo', 'temporary'));
      const stopped = await spawnChild(parent, worker('echo', 'temporary'));
      await system.request(trapper, text('trap')).catch(() => {});
      await system.request(failing, text('fail')).catch(() => {});
      await system.request(quitter, text('shutdown'));
      await system.stop(stopped);
      await until(async () => (JSON.parse(await ask(parent, 'log')) as string[]).length === 4);
      expect((JSON.parse(await ask(parent, 'log')) as string[]).sort()).toEqual(
        [`error ${trapper} trap`, `error ${failing} guest-error`, `exit ${quitter} bye`, `exit ${stopped} none`].sort(),
      );
      expect(await ask(parent, 'children')).toBe('[]');
    });
  });

  describe('strategies and restart types', () => {
    const cases = [
      { strategy: 'one-for-one', restarted: ['b'] },
      { strategy: 'one-for-all', restarted: ['a', 'b', 'c'] },
      { strategy: 'rest-for-one', restarted: ['b', 'c'] },
    ] as const;
    for (const { strategy, restarted } of cases) {
      it(`${strategy}: when b of a, b, c fails, restarts ${restarted.join(', ')}`, async () => {
        await using system = await testSystem(placement);
        const parent = await overseer(system, strategy);
        const ids = {
          a: await spawnChild(parent, 'manifests/trapper.toml'),
          b: await spawnChild(parent, 'manifests/trapper.toml'),
          c: await spawnChild(parent, 'manifests/trapper.toml'),
        };
        const before = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, system.get(id)]));
        await system.request(ids.b, text('trap')).catch(() => {});
        await until(() => Object.values(ids).every((id) => system.get(id)?.status === 'running') && system.get(ids.b) !== before['b']);
        await until(() => restarted.every((name) => system.get(ids[name]) !== before[name]));
        const actuallyRestarted = Object.entries(ids)
          .filter(([name, id]) => system.get(id) !== before[name])
          .map(([name]) => name);
        expect(actuallyRestarted).toEqual(restarted);
        expect(await ask(parent, 'children')).toBe(JSON.stringify([ids.a, ids.b, ids.c]));
      });
    }

    const restartTypes = [
      { type: 'permanent', exit: 'trap', restarts: true },
      { type: 'permanent', exit: 'shutdown', restarts: true },
      { type: 'transient', exit: 'trap', restarts: true },
      { type: 'transient', exit: 'shutdown', restarts: false },
      { type: 'temporary', exit: 'trap', restarts: false },
      { type: 'temporary', exit: 'shutdown', restarts: false },
    ] as const;
    for (const { type, exit, restarts } of restartTypes) {
      it(`a ${type} child that exits by ${exit} is ${restarts ? '' : 'not '}restarted`, async () => {
        await using system = await testSystem(placement);
        const parent = await overseer(system);
        const child = await spawnChild(parent, worker(exit === 'trap' ? 'trapper' : 'echo', type));
        const before = system.get(child);
        await system.request(child, text(exit)).catch(() => {});
        await until(async () => (JSON.parse(await ask(parent, 'log')) as string[]).length === 1);
        if (restarts) {
          await until(() => system.get(child) !== undefined && system.get(child) !== before);
          expect(await ask(parent, 'children')).toBe(JSON.stringify([child]));
        } else {
          expect(system.get(child)).toBeUndefined();
          expect(await ask(parent, 'children')).toBe('[]');
        }
      });
    }
  });

  describe('restart intensity and subtrees', () => {
    it('fails a supervisor whose children restart too often, escalating two levels up, and leaves nothing running', async () => {
      await using system = await testSystem(placement);
      const failed: string[] = [];
      system.inspect((event: InspectionEvent) => event.type === 'actor.failed' && failed.push(event.actorId));
      const top = await overseer(system, 'one-for-one', 0);
      const middle = await spawnChild(top, overseerToml('one-for-one', 0));
      const leaf = await spawnChild(system.get(middle)!, worker('trapper'));
      await system.request(leaf, text('trap')).catch(() => {});
      await top.exited;
      expect(top.status).toBe('failed');
      expect(top.failure?.message).toBe('restart intensity exceeded: more than 0 restarts within 60000 ms');
      expect(failed).toEqual([leaf, middle, top.id]);
      expect(system.list()).toEqual([]);
    });

    it('restarts within the intensity', async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system, 'one-for-one', 2);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      for (let i = 0; i < 2; i++) {
        const before = system.get(child);
        await system.request(child, text('trap')).catch(() => {});
        await until(() => system.get(child) !== before && system.get(child)?.status === 'running');
      }
      expect(parent.status).toBe('running');
    });

    it('stops a whole subtree, children first, when its root stops', async () => {
      await using system = await testSystem(placement);
      const stopped: string[] = [];
      system.inspect((event: InspectionEvent) => event.type === 'actor.stopped' && stopped.push(event.actorId));
      const top = await overseer(system);
      const middle = await spawnChild(top, overseerToml('one-for-one', 3));
      const middleActor = system.get(middle)!;
      const leaves = [await spawnChild(middleActor, worker('echo')), await spawnChild(middleActor, worker('echo'))];
      const sibling = await spawnChild(top, worker('echo'));
      await system.stop(top.id);
      expect(stopped).toEqual([sibling, leaves[1], leaves[0], middle, top.id]);
      expect(system.list()).toEqual([]);
    });

    it("stops a failed supervisor's children", async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const children = [await spawnChild(parent, worker('echo')), await spawnChild(parent, worker('echo'))];
      await expect(parent.request(text('crash'))).rejects.toMatchObject({ code: 'actor-failed' });
      expect(await parent.exited).toMatchObject({ status: 'failed', failure: { reason: 'trap' } });
      await until(() => children.every((id) => system.get(id) === undefined));
      expect(system.list()).toEqual([]);
    });
  });

  describe("where a supervisor loads its children's files from", () => {
    /**
     * A temp directory with the overseer's own directory `tree/` (holding a copy of echo's component, a state file, a
     * child manifest and links) beside `outside/` (a secret manifest, a state file and a component).
     */
    async function layout(): Promise<{ tree: string; outside: string } & AsyncDisposable> {
      const dir = await tempDir();
      const tree = join(dir.path, 'tree');
      const outside = join(dir.path, 'outside');
      await mkdir(tree);
      await mkdir(outside);
      await copyFile(testActorComponent('echo'), join(tree, 'echo.wasm'));
      await copyFile(testActorComponent('echo'), join(outside, 'echo.wasm'));
      await writeFile(join(tree, 'state.json'), '{"count":41}');
      await writeFile(join(tree, 'child.toml'), childToml({ initState: 'state.json' }));
      await symlink(join(tree, 'child.toml'), join(tree, 'alias.toml'));
      await writeFile(join(outside, 'secret.toml'), '[topsecret_table]\npassword = "hunter2"\n');
      await writeFile(join(outside, 'state.json'), '{"count":666}');
      await symlink(join(outside, 'state.json'), join(tree, 'door.json'));
      await symlink(join(outside, 'secret.toml'), join(tree, 'door.toml'));
      await symlink(join(outside, 'nothing.json'), join(tree, 'dangling.json'));
      return { tree, outside, [Symbol.asyncDispose]: dir[Symbol.asyncDispose] };
    }

    /** An echo child's manifest: component and init_state as written. */
    function childToml({ component = 'echo.wasm', initState }: { component?: string; initState?: string }): string {
      return [
        'name = "echo-child"',
        'version = "0.1.0"',
        `component = ${JSON.stringify(component)}`,
        ...(initState === undefined ? [] : [`init_state = ${JSON.stringify(initState)}`]),
        '[[handler]]',
        'type = "runtime"',
        '[[handler]]',
        'type = "message-server"',
      ].join('\n');
    }

    /** The overseer, its manifest directory replaced by `dir` (or none). */
    async function overseerIn(system: ActorSystem, dir: string | undefined): Promise<Actor> {
      return system.spawn(await manifestOf('overseer', { baseDir: dir }));
    }

    const refused = (kind: string, given: string): string =>
      `error:permission-denied: child ${kind} path ${JSON.stringify(given)} is outside the supervisor's directory`;

    it("loads a child's manifest, component and init_state from inside its directory, through symlinks that stay inside", async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      const parent = await overseerIn(system, dirs.tree);
      for (const reference of ['child.toml', 'alias.toml', join(dirs.tree, 'child.toml')]) {
        const child = await spawnChild(parent, reference);
        expect(await ask(parent, `state ${child}`)).toBe('{"count":41}');
      }
      expect(await ask(parent, 'spawn missing.toml')).toMatch(/^error:manifest-not-found: /u);
    });

    it('reads an init_state written through a symlink and .. as the path that was checked, never the one it would reach', async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      await symlink(dirs.outside, join(dirs.tree, 'doorway'));
      const parent = await overseerIn(system, dirs.tree);
      // Lexically tree/outside/state.json (inside, missing); by the OS, doorway first: outside/../outside/state.json.
      const initState = `${dirs.tree}/doorway/../outside/state.json`;
      const answer = await ask(parent, `spawn ${childToml({ initState })}`);
      expect(answer).toMatch(/^error:/u);
      expect(answer).not.toContain('666');
      expect(system.list().map((actor) => actor.id)).toEqual([parent.id]);
    });

    it('refuses an init_state file outside its directory, or reached through a symlink leading out, without reading it', async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      const parent = await overseerIn(system, dirs.tree);
      for (const initState of [
        '/etc/hostname',
        '../outside/state.json',
        join(dirs.outside, 'state.json'),
        'door.json',
        'dangling.json',
        '../outside/missing.json',
      ]) {
        expect(await ask(parent, `spawn ${childToml({ initState })}`)).toBe(refused('init_state', initState));
      }
      expect(await ask(parent, 'children')).toBe('[]');
      expect(system.list().map((actor) => actor.id)).toEqual([parent.id]);
    });

    it('refuses a manifest path outside its directory with one message, whether or not the file exists, revealing nothing of it', async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      const parent = await overseerIn(system, dirs.tree);
      for (const reference of [
        '../outside/secret.toml',
        '../outside/missing.toml',
        '../outside',
        join(dirs.outside, 'secret.toml'),
        '/etc/passwd',
        'door.toml',
      ]) {
        const reply = await ask(parent, `spawn ${reference}`);
        expect(reply).toBe(refused('manifest', reference));
        expect(reply).not.toMatch(/topsecret|password/u);
      }
      expect(await ask(parent, 'children')).toBe('[]');
    });

    it('refuses a component outside its directory, named inline or by a child manifest inside it', async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      const parent = await overseerIn(system, dirs.tree);
      for (const component of ['/etc/passwd', '../outside/echo.wasm', '../outside/missing.wasm']) {
        expect(await ask(parent, `spawn ${childToml({ component })}`)).toBe(refused('component', component));
      }
      await writeFile(join(dirs.tree, 'stray.toml'), childToml({ component: '../outside/echo.wasm' }));
      expect(await ask(parent, 'spawn stray.toml')).toBe(refused('component', '../outside/echo.wasm'));
      expect(await ask(parent, 'children')).toBe('[]');
    });

    it('loads no files for children when it has no manifest directory', async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      const parent = await overseerIn(system, undefined);
      const none = ' (it has none: it was not spawned from a manifest file)';
      const childPath = join(dirs.tree, 'child.toml');
      expect(await ask(parent, `spawn ${childPath}`)).toBe(refused('manifest', childPath) + none);
      const component = join(dirs.tree, 'echo.wasm');
      expect(await ask(parent, `spawn ${childToml({ component })}`)).toBe(refused('component', component) + none);
      expect(await ask(parent, 'children')).toBe('[]');
    });

    it('does not resume a child whose component has since become a symlink leading out of its directory', async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      const parent = await overseerIn(system, dirs.tree);
      const child = await spawnChild(parent, 'child.toml');
      expect(await ask(parent, `stop ${child}`)).toBe('ok');
      await rm(join(dirs.tree, 'echo.wasm'));
      await symlink(join(dirs.outside, 'echo.wasm'), join(dirs.tree, 'echo.wasm'));
      expect(await ask(parent, `resume ${child}`)).toBe(refused('component', 'echo.wasm'));
      expect(system.get(child)).toBeUndefined();
    });

    it('escalates a child whose automatic restart is refused, instead of leaving it listed and never running again', async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      await copyFile(testActorComponent('trapper'), join(dirs.tree, 'trapper.wasm'));
      await copyFile(testActorComponent('trapper'), join(dirs.outside, 'trapper.wasm'));
      const parent = await overseerIn(system, dirs.tree);
      const trapper = [
        'name = "trapper-child"',
        'version = "0.1.0"',
        'component = "trapper.wasm"',
        '[[handler]]',
        'type = "runtime"',
        '[[handler]]',
        'type = "message-server"',
      ];
      const child = await spawnChild(parent, trapper.join('\n'));
      await rm(join(dirs.tree, 'trapper.wasm'));
      await symlink(join(dirs.outside, 'trapper.wasm'), join(dirs.tree, 'trapper.wasm'));
      await system.request(child, text('trap')).catch(() => {});
      // Each refused restart is the child failing again: the intensity (3 within 5 s) runs out and the parent fails.
      await parent.exited;
      expect(parent.failure?.message).toBe('restart intensity exceeded: more than 3 restarts within 5000 ms');
      expect(system.list()).toEqual([]);
    });

    it('does not restart a child whose component has since become a symlink leading out of its directory', async () => {
      await using system = await testSystem(placement);
      await using dirs = await layout();
      const parent = await overseerIn(system, dirs.tree);
      const child = await spawnChild(parent, 'child.toml');
      await rm(join(dirs.tree, 'echo.wasm'));
      await symlink(join(dirs.outside, 'echo.wasm'), join(dirs.tree, 'echo.wasm'));
      expect(await ask(parent, `restart ${child}`)).toBe(refused('component', 'echo.wasm'));
      expect(system.get(child)).toBeUndefined();
    });
  });

  describe("restart and resume from outside the tree (the operator's view)", () => {
    it("restarts a child the moment it fails (before its failure is signed) once, keeping it in its parent's tree", async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      await system.send(child, text('one'));
      let restarting: Promise<Actor> | undefined;
      system.inspect((event) => {
        // An operator reacting to the failure: the failed instance is still registered, its end not yet signed.
        if (event.type === 'actor.failed' && event.actorId === child && restarting === undefined) restarting = system.restart(child);
      });
      await system.request(child, text('trap')).catch(() => {});
      await until(() => restarting !== undefined);
      const restarted = await restarting!;
      expect(restarted.status).toBe('running');
      expect(system.parentOf(child)).toBe(parent.id);
      expect(JSON.parse(await ask(parent, 'children'))).toEqual([child]);
      expect(await ask(parent, `state ${child}`)).toBe('{"count":1}');
      // The strategy did not restart it a second time: one restart in its chain.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(system.get(child)).toBe(restarted);
      expect((await system.events(child)).filter((event) => event.type === 'actor.restart')).toHaveLength(1);
      expect(parent.status).toBe('running');
    });

    it('restarts a top-level actor and a child from their last committed state, keeping ids, parents and chains', async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      await system.send(child, text('one'));
      expect(system.parentOf(child)).toBe(parent.id);
      expect(system.parentOf(parent.id)).toBeUndefined();

      const restartedChild = await system.restart(child);
      expect(restartedChild.id).toBe(child);
      expect(system.parentOf(child)).toBe(parent.id);
      expect(await ask(parent, `state ${child}`)).toBe('{"count":1}');

      const restartedParent = await system.restart(parent.id);
      expect(restartedParent).not.toBe(parent);
      expect(restartedParent.status).toBe('running');
      expect(parent.status).toBe('stopped');
      // The old instance's children stopped with it; the restarted one starts without them.
      expect(system.get(child)).toBeUndefined();
      const types = (await system.events(parent.id)).map((event) => event.type);
      expect(types).toContain('actor.restart');
      expect(await system.verify(parent.id)).toMatchObject({ ok: true });
      await expect(system.restart('no-such-actor')).rejects.toMatchObject({ code: 'actor-not-found' });
    });

    it('resumes a stopped tree from the store, parents first, each from its last committed state', async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      await system.send(child, text('one'));
      await system.send(child, text('two'));
      await system.stop(parent.id);
      expect(system.get(child)).toBeUndefined();

      await expect(system.resume(child)).rejects.toMatchObject({
        code: 'actor-not-running',
        message: expect.stringContaining('resume the parent first'),
      });
      const resumedParent = await system.resume(parent.id);
      expect(resumedParent.id).toBe(parent.id);
      await expect(system.resume(parent.id)).rejects.toMatchObject({ code: 'actor-exists' });
      const resumedChild = await system.resume(child);
      expect(system.parentOf(child)).toBe(parent.id);
      expect(await ask(resumedParent, `state ${resumedChild.id}`)).toBe('{"count":2}');
      expect(await ask(resumedParent, 'children')).toBe(JSON.stringify([child]));
      expect(await system.verify(child)).toMatchObject({ ok: true });
      await expect(system.resume('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'actor-not-found' });
    });
  });

  describe('system.restart under load', () => {
    it('keeps every send acknowledged before the restart resolves in the restarted state', async () => {
      await using system = await testSystem(placement);
      const small = await system.spawn(await manifestOf('small'));
      const acknowledged = { count: 0 };
      const sends = Array.from({ length: 64 }, () =>
        system.send(small.id, text('tick')).then(
          () => acknowledged.count++,
          () => {},
        ),
      );
      const restarted = await system.restart(small.id);
      const acknowledgedBefore = acknowledged.count;
      await Promise.allSettled(sends);
      const count = Buffer.from((await system.request(restarted.id, text('count'))) as Uint8Array).readUInt32LE(0);
      expect(count).toBeGreaterThanOrEqual(acknowledgedBefore);
      expect(count).toBe(acknowledged.count);
    });
  });

  describe('a restart whose init fails', () => {
    /**
     * An overseer in a temp directory holding its own component, trapper's (as `worker.wasm`) and echo's, its parent
     * `top` (also an overseer, which keeps it as a temporary child so that it is only told, never restarted).
     */
    async function upgradeLayout(): Promise<{ path: string } & AsyncDisposable> {
      const dir = await tempDir();
      await copyFile(testActorComponent('overseer'), join(dir.path, 'overseer.wasm'));
      await copyFile(testActorComponent('trapper'), join(dir.path, 'worker.wasm'));
      await copyFile(testActorComponent('echo'), join(dir.path, 'echo.wasm'));
      return dir;
    }

    const child = (name: string, component: string): string =>
      [
        `name = "${name}"`,
        'version = "0.1.0"',
        `component = "${component}"`,
        'restart = "permanent"',
        '[[handler]]',
        'type = "runtime"',
        '[[handler]]',
        'type = "message-server"',
        '[[handler]]',
        'type = "supervisor"',
      ].join('\n');

    it('counts each failed restart toward the intensity, tells the supervisor init-failed, and fails it once exceeded', async () => {
      // A clock that does not move: every restart falls within the window however slow the machine (on a loaded one
      // the three failures once spanned more than within_ms, and a fourth restart was allowed).
      await using system = await testSystem({ clock: new TestClock(), ...placement });
      await using dir = await upgradeLayout();
      const top = await system.spawn(await manifestOf('overseer', { baseDir: dir.path }));
      const middleToml = [
        'name = "middle"',
        'version = "0.1.0"',
        'component = "overseer.wasm"',
        'restart = "temporary"',
        '[supervision]',
        'strategy = "one-for-one"',
        'max_restarts = 2',
        'within_ms = 5000',
        '[[handler]]',
        'type = "runtime"',
        '[[handler]]',
        'type = "message-server"',
        '[[handler]]',
        'type = "supervisor"',
      ].join('\n');
      const middleId = await spawnChild(top, middleToml);
      const middle = system.get(middleId)!;
      const upgraded = await spawnChild(middle, child('upgraded', 'worker.wasm'));
      const steady = await spawnChild(middle, child('steady', 'echo.wasm'));
      // The worker's code is upgraded on disk to notebook's, whose init cannot read the worker's state
      // ({"count":0} has no notes): from now on, every init of this child fails.
      await rm(join(dir.path, 'worker.wasm'));
      await copyFile(testActorComponent('notebook'), join(dir.path, 'worker.wasm'));
      await system.request(upgraded, text('trap')).catch(() => {});

      await middle.exited;
      expect(middle.failure?.message).toBe('restart intensity exceeded: more than 2 restarts within 5000 ms');
      expect(system.get(upgraded)).toBeUndefined();
      expect(system.get(steady)).toBeUndefined();
      // The supervisor heard the trap, then failed restarts as init-failed. The notice of the last one races the
      // supervisor's own failure (intensity exceeded), so it may not have been handled: CI saw both outcomes.
      expect(middle.state()).toBeDefined();
      const log = (JSON.parse(new TextDecoder().decode(middle.state())) as { log: string[] }).log;
      const heard = [`error ${upgraded} trap`, `error ${upgraded} init-failed`, `error ${upgraded} init-failed`];
      expect([heard.slice(0, 2), heard]).toContainEqual(log);
      // Its parent is told.
      await until(async () => (JSON.parse(await ask(top, 'log')) as string[]).length === 1);
      expect(JSON.parse(await ask(top, 'log'))).toEqual([`error ${middleId} internal`]);
      expect(JSON.parse(await ask(top, 'children'))).toEqual([]);
      expect(system.list().map((a) => a.id)).toEqual([top.id]);
    });

    it("leaves a child whose asked-for restart fails out of list-children, the parent's or the operator's", async () => {
      await using system = await testSystem(placement);
      await using dir = await upgradeLayout();
      const parent = await system.spawn(await manifestOf('overseer', { baseDir: dir.path }));
      const byParent = await spawnChild(parent, child('by-parent', 'worker.wasm'));
      const byOperator = await spawnChild(parent, child('by-operator', 'worker.wasm'));
      const steady = await spawnChild(parent, child('steady', 'echo.wasm'));
      await rm(join(dir.path, 'worker.wasm'));
      await copyFile(testActorComponent('notebook'), join(dir.path, 'worker.wasm'));

      expect(await ask(parent, `restart ${byParent}`)).toMatch(
        new RegExp(`^error:init-failed: actor by-parent \\(${byParent}\\) failed to start: `, 'u'),
      );
      expect(system.get(byParent)).toBeUndefined();
      expect(JSON.parse(await ask(parent, 'children'))).toEqual([byOperator, steady]);

      await expect(system.restart(byOperator)).rejects.toMatchObject({ code: 'init-failed' });
      expect(system.parentOf(byOperator)).toBeUndefined();
      expect(JSON.parse(await ask(parent, 'children'))).toEqual([steady]);
      // Asked for, and answered with the error: nothing to decide on, so nothing is restarted or reported.
      expect(await ask(parent, 'log')).toBe('[]');
      expect(parent.status).toBe('running');
    });
  });

  describe('notices to a supervisor whose mailbox is full', () => {
    it('tells the supervisor of every child failure, outside its mailbox bound, once it gets to them', async () => {
      await using system = await testSystem(placement);
      const manifest = await overseerManifest();
      const parent = await system.spawn({ ...manifest, limits: { ...manifest.limits, mailbox: 1 } });
      const messenger = await system.spawn(await manifestOf('messenger'));
      const narrow = `${worker('trapper', 'temporary')}\n[limits]\nmailbox = 1`;
      const children = [await spawnChild(parent, narrow), await spawnChild(parent, narrow)];
      const actors = children.map((id) => system.get(id)!);
      // The parent waits on a request the messenger defers, with one more operation waiting: its mailbox is full.
      const waiting = ask(parent, `ask ${messenger.id} defer`);
      await until(async () => JSON.parse(await ask(messenger, 'outstanding')).length === 1);
      const queued = ask(parent, 'children');
      const full = { code: 'mailbox-full' };
      await expect(Promise.resolve().then(() => parent.request(text('log')))).rejects.toMatchObject(full);
      for (const id of children) await system.request(id, text('trap')).catch(() => {});
      await Promise.all(actors.map((actor) => actor.exited));
      await expect(Promise.resolve().then(() => parent.request(text('log')))).rejects.toMatchObject(full);
      const [requestId] = JSON.parse(await ask(messenger, 'outstanding')) as string[];
      expect(await ask(messenger, `respond ${requestId} done`)).toBe('responded');
      expect(await waiting).toBe('reply:done');
      expect(JSON.parse(await queued)).toEqual(expect.any(Array));
      // The notices run before anything sent after them; until they have, the mailbox stays full to messages.
      await until(async () => (JSON.parse(await ask(parent, 'log').catch(() => '[]')) as string[]).length === 2);
      // Every failure is told; the order of two children's notices follows their signed ends, which is not a contract.
      expect((JSON.parse(await ask(parent, 'log')) as string[]).sort()).toEqual(children.map((id) => `error ${id} trap`).sort());
      expect(await ask(parent, 'children')).toBe('[]');
    });

    it('fails a supervisor that leaves more than max_restarts + 1 notices about one child unhandled', async () => {
      // Restart windows are measured on the system's clock: the test says how much time passes between restarts.
      const clock = new TestClock();
      await using system = await testSystem({ clock, ...placement });
      const manifest = await overseerManifest();
      const parent = await system.spawn({
        ...manifest,
        supervision: { strategy: 'one-for-one', maxRestarts: 1, withinMs: 300 },
        limits: { ...manifest.limits, callTimeoutMs: 60_000 },
      });
      const messenger = await system.spawn(await manifestOf('messenger'));
      const child = await spawnChild(parent, worker('trapper'));
      // The parent waits (up to 30 s) on a request the messenger never answers: it handles no notice meanwhile.
      void ask(parent, `ask ${messenger.id} defer`).catch(() => {});
      await until(async () => JSON.parse(await ask(messenger, 'outstanding')).length === 1);
      // Restarts spaced wider than within_ms stay within the intensity; their notices pile up unhandled.
      for (let restart = 0; restart < 2; restart++) {
        const before = system.get(child);
        await system.request(child, text('trap')).catch(() => {});
        await until(() => system.get(child) !== before && system.get(child)?.status === 'running');
        await clock.advance(400);
      }
      expect(parent.status).toBe('running');
      await system.request(child, text('trap')).catch(() => {});
      expect(await parent.exited).toMatchObject({
        status: 'failed',
        failure: {
          reason: 'internal',
          message: `2 notices of child ${child}'s exits left unhandled (at most max_restarts + 1 = 2 may wait)`,
        },
      });
      await until(() => system.get(child) === undefined);
    });
  });

  describe('what a supervisor hears, and what a restart emits', () => {
    it('hears only of the child that failed, not of the siblings its strategy stopped and restarted with it', async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system, 'one-for-all');
      const ids = [await spawnChild(parent, 'manifests/trapper.toml'), await spawnChild(parent, 'manifests/trapper.toml')];
      const before = ids.map((id) => system.get(id));
      await system.request(ids[1]!, text('trap')).catch(() => {});
      await until(() => ids.every((id, index) => system.get(id) !== before[index] && system.get(id)?.status === 'running'));
      expect(JSON.parse(await ask(parent, 'log'))).toEqual([`error ${ids[1]} trap`]);
      // Nor of a child it stopped with stop-child.
      expect(await ask(parent, `stop ${ids[0]}`)).toBe('ok');
      expect(JSON.parse(await ask(parent, 'log'))).toEqual([`error ${ids[1]} trap`]);
    });

    it('hands handle-child-error the wit-error-type and the failure message as UTF-8 data', async () => {
      await using system = await testSystem(placement);
      const parent = await system.spawn(await manifestOf('notebook', { baseDir: testActorsDir }));
      const child = (await parent.request(text(JSON.stringify({ spawn: 'manifests/trapper.toml' })))) as Uint8Array;
      const childId = (JSON.parse(decode(child)) as { ok: string }).ok;
      const instance = system.get(childId)!;
      await system.request(childId, text('trap')).catch(() => {});
      const exit = await instance.exited;
      expect(exit.status).toBe('failed');
      const reports = async (): Promise<string[]> =>
        (JSON.parse(decode(await parent.request(text('{"reports":true}')))) as { ok: string[] }).ok;
      await until(async () => (await reports()).length > 0);
      // notebook records `<child> <errorType>: <data as UTF-8>`.
      expect(await reports()).toEqual([`${childId} trap: ${instance.failure!.message}`]);
    });

    it("emits actor.spawned and actor.started for a restart, after the old instance's actor.failed", async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      const seen: string[] = [];
      system.inspect((event: InspectionEvent) => {
        if ('actorId' in event && event.actorId === child && event.type !== 'actor.log') seen.push(event.type);
      });
      const before = system.get(child);
      await system.request(child, text('trap')).catch(() => {});
      await until(() => system.get(child) !== before && seen.includes('actor.started'));
      // Only these three: other events about a restart may be added beside them.
      expect(seen.filter((type) => ['actor.failed', 'actor.spawned', 'actor.started'].includes(type))).toEqual([
        'actor.failed',
        'actor.spawned',
        'actor.started',
      ]);
    });

    it("restarts a permanent child an operator stops; its supervisor's stop-child stops it for good", async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      const before = system.get(child);
      await system.stop(child);
      await until(() => system.get(child) !== undefined && system.get(child) !== before && system.get(child)?.status === 'running');
      expect(JSON.parse(await ask(parent, 'log'))).toEqual([`exit ${child} none`]);
      expect(await ask(parent, `stop ${child}`)).toBe('ok');
      expect(system.get(child)).toBeUndefined();
      expect(await ask(parent, 'children')).toBe('[]');
      expect(JSON.parse(await ask(parent, 'log'))).toEqual([`exit ${child} none`]);
    });

    it("resumes a stopped child from the init-state given instead of its chain's last state, running its init", async () => {
      await using system = await testSystem(placement);
      const parent = await overseer(system);
      const child = await spawnChild(parent, 'manifests/trapper.toml');
      await system.send(child, text('one'));
      expect(await ask(parent, `stop ${child}`)).toBe('ok');
      const resumed = await system.resume(child, { initState: text('{"count":41}') });
      expect(system.parentOf(child)).toBe(parent.id);
      expect(decode(resumed.state())).toBe('{"count":41}');
      const types = (await resumed.events()).map((event) => event.type);
      expect(types.slice(-4)).toEqual(['actor.restart', 'wasm.call', 'theater:simple/runtime.log', 'wasm.result']);
    });
  });
});
