/** The filesystem handler through the conformance suite, driven by the filer test actor in a temp root. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { FilesystemHandlerConfig } from '../../src/index.js';
import { snapshot, testActorManifest } from '@theater/test-actors';
import { defaultHandlers, filesystemHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

/** The granted root, and a directory beside it holding a secret the actor must never reach. */
interface Layout {
  readonly dir: string;
  readonly root: string;
}

const grant = (changes: Partial<FilesystemHandlerConfig>): FilesystemHandlerConfig => ({
  type: 'filesystem',
  path: 'data',
  allowedCommands: ['ls'],
  readOnly: false,
  ...changes,
});

testHandlerConformance({
  definition: filesystemHandler,
  handlers: defaultHandlers(),
  async setup(scratch): Promise<Layout> {
    const dir = join(scratch, 'files');
    await mkdir(join(dir, 'root'), { recursive: true });
    await mkdir(join(dir, 'outside'));
    await writeFile(join(dir, 'outside', 'secret'), 'top secret');
    return { dir, root: join(dir, 'root') };
  },
  manifest: async ({ root }, load) => {
    const manifest = await load(testActorManifest('filer'));
    return { ...manifest, handlers: [{ type: 'runtime' }, { type: 'message-server' }, grant({ path: root })] };
  },
  async drive({ ask }) {
    expect(await ask('write a.txt hello')).toBe('ok');
    expect(await ask('read a.txt')).toBe('hello');
    expect(await ask('mkdir d/e')).toBe('ok');
    expect(await ask('ls .')).toBe('["a.txt","d"]');
    expect(await ask('exists d/e')).toBe('true');
    expect(JSON.parse(await ask('exec . ls'))).toMatchObject({ tag: 'success', val: { stdout: 'a.txt\nd\n' } });
    expect(await ask('rm a.txt')).toBe('ok');
    expect(await ask('rmdir d')).toBe('ok');
    expect(await ask('write kept.txt kept')).toBe('ok');
  },
  denial: {
    request: 'read ../outside/secret',
    function: 'read-file',
    error: 'permission-denied: path "../outside/secret" leaves the root',
  },
  // The root and what lies beside it: a replay writes and deletes nothing.
  sideEffects: ({ fixture }) => snapshot(fixture.dir),
  invalidConfigs: [
    { table: 'type = "filesystem"', field: 'path' },
    { table: 'type = "filesystem"\npath = "data"\nread_only = "yes"', field: 'read_only' },
    { table: 'type = "filesystem"\npath = "data"\nallowed_commands = "ls"', field: 'allowed_commands' },
  ],
  excess: {
    pairs: [
      { narrow: grant({ path: 'data/inner' }), wide: grant({ path: 'data' }), excess: "is outside the parent's" },
      {
        narrow: grant({ allowedCommands: [] }),
        wide: grant({ allowedCommands: ['ls'] }),
        excess: "allowed_commands ls are not the parent's",
      },
      {
        narrow: grant({ readOnly: true }),
        wide: grant({ readOnly: false }),
        excess: "read_only is off, but the parent's files are read-only",
      },
    ],
  },
});
