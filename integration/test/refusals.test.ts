import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testActorComponent } from '@theater/test-actors';
import { manifestOf, tempDir, testSystem } from './helpers.js';
import type { FilesystemHandlerConfig } from '@theater/handlers';

describe('spawn refusals', () => {
  it('refuses a component importing an interface its manifest does not grant, naming it', async () => {
    await using system = await testSystem();
    const error = await system.spawn(await manifestOf('needs-store')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'import-not-granted',
      message: 'the component imports theater:simple/store, which its manifest does not grant (grant it with [[handler]] type = "store")',
    });
    expect(system.list()).toEqual([]);
  });

  it('refuses a component importing WASI, which Theater never hands to an actor', async () => {
    await using system = await testSystem();
    const error = await system.spawn(await manifestOf('wasi-stdio')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'import-not-granted' });
    expect((error as Error).message).toMatch(
      /^the component imports \d+ interfaces its manifest does not grant: wasi:cli\/stderr \(no handler provides it\), /,
    );
    expect(system.list()).toEqual([]);
  });

  it('refuses an actor importing the WASI filesystem, naming each filesystem import, whatever else it is granted', async () => {
    await using system = await testSystem();
    await using root = await tempDir();
    // Even with a filesystem grant: files are reached through theater:simple/filesystem, never through WASI.
    const manifest = await manifestOf('wasi-stdio', {
      handlers: [
        { type: 'runtime' },
        { type: 'filesystem', path: root.path, allowedCommands: [], readOnly: false } as FilesystemHandlerConfig,
      ],
    });
    const error = await system.spawn(manifest).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'import-not-granted' });
    const message = (error as Error).message;
    expect(message).toContain('wasi:filesystem/preopens (no handler provides it)');
    expect(message).toContain('wasi:filesystem/types (no handler provides it)');
    expect(system.list()).toEqual([]);
  });

  it('refuses a component whose export has the wrong type, naming the function', async () => {
    await using system = await testSystem();
    const error = await system.spawn(await manifestOf('bad-export')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'export-mismatch' });
    expect((error as Error).message).toMatch(
      /^theater:simple\/actor#init has the wrong type: expected `function init\(state: State, params: \[string\]\): \[State\];`/,
    );
    expect(system.list()).toEqual([]);
  });

  it('refuses a component lacking the exports a granted handler requires', async () => {
    await using system = await testSystem();
    const base = await manifestOf('init-error');
    const manifest = { ...base, handlers: [...base.handlers, { type: 'message-server' as const }] };
    await expect(system.spawn(manifest)).rejects.toMatchObject({
      code: 'export-missing',
      message: 'the component does not export theater:simple/message-server-client, which the message-server handler requires',
    });
  });

  it('refuses a handler type the system does not have', async () => {
    await using home = await tempDir();
    const { createActorSystem } = await import('@theater/kernel');
    const { runtimeHandler } = await import('@theater/handlers');
    await using system = createActorSystem({ handlers: [runtimeHandler], home: home.path, poolSize: 0 });
    await expect(system.spawn(await manifestOf('echo'))).rejects.toMatchObject({
      code: 'unknown-handler',
      message: 'no "message-server" handler is installed in this actor system',
    });
  });

  it('refuses files that are not components', async () => {
    await using system = await testSystem();
    await using dir = await tempDir();
    const notWasm = join(dir.path, 'not.wasm');
    await writeFile(notWasm, 'hello');
    const coreModule = join(dir.path, 'core.wasm');
    await writeFile(coreModule, Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
    const base = await manifestOf('echo');
    await expect(system.spawn({ ...base, componentPath: notWasm })).rejects.toMatchObject({
      code: 'invalid-component',
      message: `${notWasm} is not WebAssembly`,
    });
    await expect(system.spawn({ ...base, componentPath: coreModule })).rejects.toMatchObject({
      code: 'invalid-component',
      message: `${coreModule} is a core module, not a component`,
    });
    await expect(system.spawn({ ...base, componentPath: join(dir.path, 'missing.wasm') })).rejects.toMatchObject({
      code: 'component-not-found',
    });
  });

  it('refuses a memory limit below what the component needs at start', async () => {
    await using system = await testSystem();
    const base = await manifestOf('echo');
    await expect(system.spawn({ ...base, limits: { ...base.limits, memoryMb: 1 } })).rejects.toMatchObject({
      code: 'component-too-large',
    });
    expect(testActorComponent('echo')).toMatch(/echo\.wasm$/);
  });
});
