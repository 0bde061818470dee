/**
 * The filesystem handler through a real component (filer): every function, confinement to the root against every
 * kind of escape (`..`, absolute, NUL, encoded, symlinks out, symlinks swapped between calls), read_only,
 * execute-command, the root checked at spawn, and a child asking for more than its parent.
 */
import { describe, expect, it } from 'vitest';
import { lstat, mkdir, readdir, readFile, realpath, rename, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { decodeEventData } from '@theater/event-chain';
import type { Actor, ActorSystem } from '@theater/kernel';
import type { FilesystemHandlerConfig } from '@theater/handlers';
import { snapshot } from '@theater/test-actors';
import { decode, manifestOf, overseerManifest, tempDir, testSystem, text } from './helpers.js';

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

/** A temp directory holding `root` (granted) and `outside` (a secret file and folder the actor must never reach). */
async function layout(): Promise<{ root: string; outside: string; secret: string } & AsyncDisposable> {
  const dir = await tempDir();
  const root = join(dir.path, 'root');
  const outside = join(dir.path, 'outside');
  await mkdir(root);
  await mkdir(join(outside, 'folder'), { recursive: true });
  await writeFile(join(outside, 'secret'), 'top secret');
  await writeFile(join(outside, 'folder', 'x'), 'outside x');
  return { root, outside, secret: join(outside, 'secret'), [Symbol.asyncDispose]: dir[Symbol.asyncDispose] };
}

async function filer(
  system: ActorSystem,
  root: string,
  grant: Partial<FilesystemHandlerConfig> = {},
  callTimeoutMs = 5000,
): Promise<Actor> {
  const manifest = await manifestOf('filer');
  return system.spawn({
    ...manifest,
    limits: { ...manifest.limits, callTimeoutMs },
    handlers: [
      { type: 'runtime' },
      { type: 'message-server' },
      { type: 'filesystem', path: root, allowedCommands: [], readOnly: false, ...grant },
    ],
  });
}

/** The chain's record of the actor's last call of `fn`. */
async function lastCall(actor: Actor, fn: string): Promise<unknown> {
  const event = (await actor.events()).filter((e) => e.type === `theater:simple/filesystem.${fn}`).at(-1);
  return event === undefined ? undefined : decodeEventData(event.data);
}

/** Asks `command` and expects the error `message`, recorded in the chain as the denial of `fn` with `args`. */
async function expectDenied(actor: Actor, command: string, fn: string, args: unknown[], message: string): Promise<void> {
  expect(await ask(actor, command)).toBe(`error:${message}`);
  expect(await lastCall(actor, fn)).toEqual({ args, error: message });
}

describe('filesystem functions', () => {
  it('writes, reads, lists, creates and deletes files and directories inside its root', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    const actor = await filer(system, dirs.root);
    expect(await ask(actor, 'write a.txt hello world')).toBe('ok');
    expect(await readFile(join(dirs.root, 'a.txt'), 'utf8')).toBe('hello world');
    expect(await ask(actor, 'read a.txt')).toBe('hello world');
    expect(await lastCall(actor, 'read-file')).toEqual({ args: ['a.txt'], result: text('hello world') });
    // Writing again replaces the content; text is UTF-8.
    expect(await ask(actor, 'write a.txt héllo ✓')).toBe('ok');
    expect(await readFile(join(dirs.root, 'a.txt'), 'utf8')).toBe('héllo ✓');
    expect(await lastCall(actor, 'write-file')).toEqual({ args: ['a.txt', 'héllo ✓'], result: null });
    // Parents are created, and an existing directory is fine.
    expect(await ask(actor, 'mkdir x/y/z')).toBe('ok');
    expect(await ask(actor, 'mkdir x/y/z')).toBe('ok');
    expect((await lstat(join(dirs.root, 'x', 'y', 'z'))).isDirectory()).toBe(true);
    expect(await ask(actor, 'write x/y/z/f.txt deep')).toBe('ok');
    expect(await ask(actor, 'ls x/y/z')).toBe('["f.txt"]');
    expect(await ask(actor, 'write b.txt b')).toBe('ok');
    expect(await ask(actor, 'ls ')).toBe('["a.txt","b.txt","x"]');
    expect(await ask(actor, 'ls .')).toBe('["a.txt","b.txt","x"]');
    expect(await lastCall(actor, 'list-files')).toEqual({ args: ['.'], result: ['a.txt', 'b.txt', 'x'] });
    // `..` that stays inside the root is normalised away.
    expect(await ask(actor, 'read x/y/../../a.txt')).toBe('héllo ✓');
    expect(await ask(actor, 'exists x/y/z/f.txt')).toBe('true');
    expect(await ask(actor, 'exists x/nothing')).toBe('false');
    expect(await ask(actor, 'exists ')).toBe('true');
    expect(await ask(actor, 'rm a.txt')).toBe('ok');
    expect(await ask(actor, 'exists a.txt')).toBe('false');
    // delete-dir removes a whole tree.
    expect(await ask(actor, 'rmdir x')).toBe('ok');
    expect(await readdir(dirs.root)).toEqual(['b.txt']);
    // Replay answers every call from the chain, without touching the files.
    await actor.stop();
    expect(await system.replay(actor.id)).toMatchObject({ ok: true });
    expect(await readdir(dirs.root)).toEqual(['b.txt']);
  });

  it('reports missing files, wrong kinds and oversized files with clear errors', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await mkdir(join(dirs.root, 'd'));
    await writeFile(join(dirs.root, 'f'), 'file');
    const actor = await filer(system, dirs.root);
    expect(await ask(actor, 'read missing.txt')).toBe('error:no such file "missing.txt"');
    expect(await lastCall(actor, 'read-file')).toEqual({ args: ['missing.txt'], error: 'no such file "missing.txt"' });
    expect(await ask(actor, 'ls nope')).toBe('error:no such directory "nope"');
    expect(await ask(actor, 'rm nope')).toBe('error:no such file "nope"');
    expect(await ask(actor, 'rmdir nope')).toBe('error:no such directory "nope"');
    expect(await ask(actor, 'read d')).toBe('error:"d" is a directory');
    expect(await ask(actor, 'read ')).toBe('error:"" is a directory');
    expect(await ask(actor, 'write d text')).toBe('error:"d" is a directory');
    expect(await ask(actor, 'ls f')).toBe('error:"f" is not a directory');
    expect(await ask(actor, 'rm d')).toBe('error:"d" is a directory; use delete-dir');
    expect(await ask(actor, 'rmdir f')).toBe('error:"f" is not a directory');
    expect(await ask(actor, 'mkdir f')).toBe('error:"f" is not a directory');
    expect(await ask(actor, 'mkdir f/sub')).toBe('error:"f" is not a directory');
    expect(await ask(actor, 'write no/such/file text')).toBe('error:no such directory "no/such"');
    expect(await ask(actor, 'read f/x')).toBe('error:no such file "f/x"');
    // A sparse file one byte over the limit: refused without being read.
    await writeFile(join(dirs.root, 'big'), '');
    await truncate(join(dirs.root, 'big'), 64 * 1024 * 1024 + 1);
    expect(await ask(actor, 'read big')).toBe(
      `error:"big" is ${64 * 1024 * 1024 + 1} bytes, more than read-file's limit of ${64 * 1024 * 1024}`,
    );
    expect(actor.status).toBe('running');
    expect(await readFile(join(dirs.root, 'f'), 'utf8')).toBe('file');
  });

  it('never deletes the root itself', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await writeFile(join(dirs.root, 'keep'), 'kept');
    const actor = await filer(system, dirs.root);
    await expectDenied(actor, 'rmdir ', 'delete-dir', [''], 'permission-denied: path "" is the root, which cannot be deleted');
    await expectDenied(actor, 'rmdir x/..', 'delete-dir', ['x/..'], 'permission-denied: path "x/.." is the root, which cannot be deleted');
    expect(await ask(actor, 'rm .')).toBe('error:"." is the root, a directory');
    expect(await readdir(dirs.root)).toEqual(['keep']);
  });
});

describe('confinement to the root', () => {
  const functions = [
    ['read', 'read-file'],
    ['write', 'write-file'],
    ['ls', 'list-files'],
    ['rm', 'delete-file'],
    ['mkdir', 'create-dir'],
    ['rmdir', 'delete-dir'],
    ['exists', 'path-exists'],
  ] as const;
  /** The arguments the chain records for `verb path` (write-file also gets the text `x`). */
  const argsOf = (verb: string, path: string): string[] => (verb === 'write' ? [path, 'x'] : [path]);
  const commandOf = (verb: string, path: string): string => (verb === 'write' ? `write ${path} x` : `${verb} ${path}`);

  it('refuses `..` that leaves the root, absolute paths, NUL bytes and backslashes in every function, and records each denial', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await mkdir(join(dirs.root, 'a'));
    const before = await snapshot(dirs.outside);
    const actor = await filer(system, dirs.root);
    const cases: [string, string][] = [
      ['../outside/secret', 'leaves the root'],
      ['a/../../outside/secret', 'leaves the root'],
      ['..', 'leaves the root'],
      ['a/../..', 'leaves the root'],
      ['/etc/passwd', 'is absolute; paths are relative to the root'],
      [dirs.secret, 'is absolute; paths are relative to the root'],
      ['a\0b', 'contains a NUL byte'],
      ['..\\outside\\secret', 'contains a backslash; the only separator is /'],
    ];
    for (const [verb, fn] of functions) {
      for (const [path, reason] of cases) {
        await expectDenied(
          actor,
          commandOf(verb, path),
          fn,
          argsOf(verb, path),
          `permission-denied: path ${JSON.stringify(path)} ${reason}`,
        );
      }
    }
    expect(await snapshot(dirs.outside)).toEqual(before);
    expect(await readdir(dirs.root)).toEqual(['a']);
    expect(actor.status).toBe('running');
  });

  it('takes percent-encoded input literally: a file name inside the root, reaching nothing outside', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    const before = await snapshot(dirs.outside);
    const actor = await filer(system, dirs.root);
    expect(await ask(actor, 'exists %2e%2e%2foutside%2fsecret')).toBe('false');
    expect(await ask(actor, 'read %2e%2e%2foutside%2fsecret')).toBe('error:no such file "%2e%2e%2foutside%2fsecret"');
    expect(await ask(actor, 'write %2e%2e%2fsecret encoded')).toBe('ok');
    expect(await readdir(dirs.root)).toEqual(['%2e%2e%2fsecret']);
    expect(await readFile(join(dirs.root, '%2e%2e%2fsecret'), 'utf8')).toBe('encoded');
    expect(await ask(actor, 'read %2e%2e%2fsecret')).toBe('encoded');
    expect(await ask(actor, 'rm %2e%2e%2fsecret')).toBe('ok');
    expect(await snapshot(dirs.outside)).toEqual(before);
  });

  it('refuses symlinks that lead outside the root, to a file, to a directory or to nothing, and changes nothing there', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await symlink(dirs.secret, join(dirs.root, 'to-secret'));
    await symlink(join(dirs.outside, 'folder'), join(dirs.root, 'to-folder'));
    await symlink(join(dirs.outside, 'not-yet'), join(dirs.root, 'dangling'));
    const before = await snapshot(dirs.outside);
    const actor = await filer(system, dirs.root, { allowedCommands: ['ls'] });
    const out = (path: string): string => `permission-denied: path ${JSON.stringify(path)} leads outside the root through a symlink`;
    for (const [verb, fn] of functions) {
      for (const path of ['to-secret', 'to-folder', 'to-folder/x', 'to-folder/new', 'to-folder/new/deeper']) {
        await expectDenied(actor, commandOf(verb, path), fn, argsOf(verb, path), out(path));
      }
      const dangling = `permission-denied: path "dangling" goes through a symlink to nothing`;
      await expectDenied(actor, commandOf(verb, 'dangling'), fn, argsOf(verb, 'dangling'), dangling);
    }
    await expectDenied(actor, 'exec to-folder ls', 'execute-command', ['to-folder', 'ls', []], out('to-folder'));
    expect(await snapshot(dirs.outside)).toEqual(before);
    expect((await readdir(dirs.root)).sort()).toEqual(['dangling', 'to-folder', 'to-secret']);
  });

  it('follows symlinks that stay inside the root; deleting one removes the link, not its target', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await mkdir(join(dirs.root, 'real'));
    await writeFile(join(dirs.root, 'real', 'f.txt'), 'inside');
    await symlink(join(dirs.root, 'real'), join(dirs.root, 'inner'));
    await symlink('real/f.txt', join(dirs.root, 'file-link'));
    const actor = await filer(system, dirs.root);
    expect(await ask(actor, 'read inner/f.txt')).toBe('inside');
    expect(await ask(actor, 'read file-link')).toBe('inside');
    expect(await ask(actor, 'write inner/g.txt through')).toBe('ok');
    expect(await readFile(join(dirs.root, 'real', 'g.txt'), 'utf8')).toBe('through');
    expect(await ask(actor, 'ls inner')).toBe('["f.txt","g.txt"]');
    expect(await ask(actor, 'exists inner')).toBe('true');
    // `..` is resolved on the text, before symlinks: inner/.. is the root, not real's parent.
    expect(await ask(actor, 'ls inner/..')).toBe('["file-link","inner","real"]');
    expect(await ask(actor, 'rmdir inner')).toBe('error:"inner" is a symlink, not a directory; use delete-file');
    expect(await ask(actor, 'rm file-link')).toBe('ok');
    expect(await ask(actor, 'rm inner')).toBe('ok');
    expect((await readdir(dirs.root)).sort()).toEqual(['real']);
    expect((await readdir(join(dirs.root, 'real'))).sort()).toEqual(['f.txt', 'g.txt']);
  });

  it('checks every call afresh: a symlink re-pointed outside after a successful call is refused', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await mkdir(join(dirs.root, 'inside'));
    await writeFile(join(dirs.root, 'inside', 'x'), 'inside x');
    await symlink(join(dirs.root, 'inside'), join(dirs.root, 'link'));
    const actor = await filer(system, dirs.root);
    expect(await ask(actor, 'exists link/x')).toBe('true');
    expect(await ask(actor, 'read link/x')).toBe('inside x');
    const before = await snapshot(dirs.outside);
    await unlink(join(dirs.root, 'link'));
    await symlink(join(dirs.outside, 'folder'), join(dirs.root, 'link'));
    const out = 'permission-denied: path "link/x" leads outside the root through a symlink';
    await expectDenied(actor, 'read link/x', 'read-file', ['link/x'], out);
    await expectDenied(actor, 'write link/x changed', 'write-file', ['link/x', 'changed'], out);
    await expectDenied(actor, 'exists link/x', 'path-exists', ['link/x'], out);
    await expectDenied(actor, 'rm link/x', 'delete-file', ['link/x'], out);
    // The root itself swapped for a symlink to elsewhere: its real path was fixed at spawn, so this leads outside.
    await rename(dirs.root, `${dirs.root}-moved`);
    await symlink(dirs.outside, dirs.root);
    await expectDenied(
      actor,
      'read secret',
      'read-file',
      ['secret'],
      'permission-denied: path "secret" leads outside the root through a symlink',
    );
    expect(await snapshot(dirs.outside)).toEqual(before);
    expect(await readFile(join(`${dirs.root}-moved`, 'inside', 'x'), 'utf8')).toBe('inside x');
  });
});

describe('read_only', () => {
  it('allows reading and refuses every change and every command', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await writeFile(join(dirs.root, 'f'), 'kept');
    await mkdir(join(dirs.root, 'd'));
    const actor = await filer(system, dirs.root, { readOnly: true, allowedCommands: ['ls'] });
    expect(await ask(actor, 'read f')).toBe('kept');
    expect(await ask(actor, 'ls ')).toBe('["d","f"]');
    expect(await ask(actor, 'exists d')).toBe('true');
    const readOnly = (fn: string, subject: string): string =>
      `permission-denied: ${fn} ${JSON.stringify(subject)}: the filesystem grant is read-only`;
    await expectDenied(actor, 'write f changed', 'write-file', ['f', 'changed'], readOnly('write-file', 'f'));
    await expectDenied(actor, 'write new x', 'write-file', ['new', 'x'], readOnly('write-file', 'new'));
    await expectDenied(actor, 'rm f', 'delete-file', ['f'], readOnly('delete-file', 'f'));
    await expectDenied(actor, 'mkdir e', 'create-dir', ['e'], readOnly('create-dir', 'e'));
    await expectDenied(actor, 'rmdir d', 'delete-dir', ['d'], readOnly('delete-dir', 'd'));
    await expectDenied(actor, 'exec  ls', 'execute-command', ['', 'ls', []], readOnly('execute-command', 'ls'));
    expect(await snapshot(dirs.root)).toEqual({ d: '<dir>', f: 'kept' });
  });
});

describe('execute-command', () => {
  const allowed = ['pwd', 'ls', 'cat', 'env', 'false', 'sleep', 'theater-no-such-program'];
  type Result = { tag: 'success'; val: { stdout: string; stderr: string; exitCode: number } } | { tag: 'error'; val: { message: string } };
  const run = async (actor: Actor, command: string): Promise<Result> => JSON.parse(await ask(actor, command)) as Result;

  it('runs an allowed command in a directory inside the root, with PATH and HOME only, reporting any exit code', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await mkdir(join(dirs.root, 'sub'));
    await writeFile(join(dirs.root, 'sub', 'one'), '1');
    await writeFile(join(dirs.root, 'sub', 'two'), '2');
    const real = await realpath(dirs.root);
    const actor = await filer(system, dirs.root, { allowedCommands: allowed });
    expect(await run(actor, 'exec sub ls')).toEqual({ tag: 'success', val: { stdout: 'one\ntwo\n', stderr: '', exitCode: 0 } });
    expect(await lastCall(actor, 'execute-command')).toEqual({
      args: ['sub', 'ls', []],
      result: { tag: 'success', val: { stdout: 'one\ntwo\n', stderr: '', exitCode: 0 } },
    });
    expect(await run(actor, 'exec sub pwd')).toEqual({
      tag: 'success',
      val: { stdout: `${join(real, 'sub')}\n`, stderr: '', exitCode: 0 },
    });
    expect(await run(actor, 'exec  cat sub/one sub/two')).toEqual({ tag: 'success', val: { stdout: '12', stderr: '', exitCode: 0 } });
    const env = await run(actor, 'exec  env');
    expect(env.tag).toBe('success');
    const vars = env.tag === 'success' ? env.val.stdout.trim().split('\n').sort() : [];
    const hostPath = (process.env['PATH'] ?? '')
      .split(':')
      .filter((entry) => entry.startsWith('/'))
      .join(':');
    expect(vars).toEqual([`HOME=${real}`, `PATH=${hostPath}`]);
    // A failing command still ran: success, with its exit code and output.
    expect(await run(actor, 'exec  false')).toEqual({ tag: 'success', val: { stdout: '', stderr: '', exitCode: 1 } });
    const missing = await run(actor, 'exec  cat nothing-here');
    expect(missing).toMatchObject({ tag: 'success', val: { stdout: '', exitCode: 1 } });
    expect(missing.tag === 'success' && missing.val.stderr).toContain('nothing-here');
    // Could not run at all: the command-result's error.
    expect(await run(actor, 'exec  theater-no-such-program')).toEqual({
      tag: 'error',
      val: { message: 'command "theater-no-such-program" could not be run: not found' },
    });
  });

  it('refuses commands not in allowed_commands, exactly as written, and directories outside the root', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await writeFile(join(dirs.root, 'f'), 'file');
    await symlink(join(dirs.outside, 'folder'), join(dirs.root, 'to-folder'));
    const before = await snapshot(dirs.outside);
    const actor = await filer(system, dirs.root, { allowedCommands: allowed });
    await expectDenied(
      actor,
      'exec  rm -rf ../outside',
      'execute-command',
      ['', 'rm', ['-rf', '../outside']],
      'permission-denied: command "rm" is not in allowed_commands',
    );
    await expectDenied(
      actor,
      'exec  /bin/ls',
      'execute-command',
      ['', '/bin/ls', []],
      'permission-denied: command "/bin/ls" is not in allowed_commands',
    );
    await expectDenied(
      actor,
      'exec  sh -c ls',
      'execute-command',
      ['', 'sh', ['-c', 'ls']],
      'permission-denied: command "sh" is not in allowed_commands',
    );
    await expectDenied(actor, 'exec .. ls', 'execute-command', ['..', 'ls', []], 'permission-denied: path ".." leaves the root');
    await expectDenied(
      actor,
      `exec ${dirs.outside} ls`,
      'execute-command',
      [dirs.outside, 'ls', []],
      `permission-denied: path ${JSON.stringify(dirs.outside)} is absolute; paths are relative to the root`,
    );
    await expectDenied(
      actor,
      'exec to-folder ls',
      'execute-command',
      ['to-folder', 'ls', []],
      'permission-denied: path "to-folder" leads outside the root through a symlink',
    );
    expect(await ask(actor, 'exec missing ls')).toBe('error:no such directory "missing"');
    expect(await ask(actor, 'exec f ls')).toBe('error:"f" is not a directory');
    expect(await snapshot(dirs.outside)).toEqual(before);
  });

  it('kills a command that outlives its time, and refuses output beyond 1 MiB', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    await writeFile(join(dirs.root, 'big'), Buffer.alloc(1024 * 1024 + 1, 'a'));
    // A call timeout of 1200 ms leaves a command 900 ms.
    const actor = await filer(system, dirs.root, { allowedCommands: allowed }, 1200);
    expect(await run(actor, 'exec  sleep 10')).toEqual({
      tag: 'error',
      val: { message: 'command "sleep" ran longer than 900 ms and was killed' },
    });
    expect(await run(actor, 'exec  cat big')).toEqual({
      tag: 'error',
      val: { message: 'command "cat" wrote more than 1048576 bytes to stdout' },
    });
    expect(actor.status).toBe('running');
  });

  it('ends the call at its time even when a process that left the group holds the output open', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    const actor = await filer(system, dirs.root, { allowedCommands: ['setsid'] }, 1200);
    // The sleep, forked into a session of its own, keeps stdout and stderr open past the time; killing the group
    // ends only setsid (which waits for it). Without -w setsid's exit would race the child's leaving the group.
    expect(await run(actor, 'exec  setsid -w sleep 2.71828')).toEqual({
      tag: 'error',
      val: { message: 'command "setsid" ran longer than 900 ms and was killed' },
    });
    expect(actor.status).toBe('running');
  });

  it('kills whatever a command leaves running when it exits', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    // An allowed path runs relative to the command's directory; this script leaves a sleep behind.
    await writeFile(join(dirs.root, 'leave.sh'), '#!/bin/sh\nsleep 31.4159 &\necho left\n', { mode: 0o755 });
    const actor = await filer(system, dirs.root, { allowedCommands: ['./leave.sh'] });
    expect(await run(actor, 'exec  ./leave.sh')).toEqual({ tag: 'success', val: { stdout: 'left\n', stderr: '', exitCode: 0 } });
    const sleeping = spawnSync('pgrep', ['-f', 'sleep 31.4159'], { encoding: 'utf8' });
    expect(sleeping.stdout).toBe('');
  });
});

describe('the grant', () => {
  it('refuses to start an actor whose root is missing or not a directory', async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    const missing = join(dirs.root, 'missing');
    await expect(filer(system, missing)).rejects.toMatchObject({
      code: 'invalid-grant',
      message: `handler[2].path: filesystem root ${missing} does not exist`,
    });
    await writeFile(join(dirs.root, 'file'), '');
    await expect(filer(system, join(dirs.root, 'file'))).rejects.toMatchObject({
      code: 'invalid-grant',
      message: `handler[2].path: filesystem root ${join(dirs.root, 'file')} is not a directory`,
    });
    expect(system.list()).toEqual([]);
  });

  it("resolves a relative root against the manifest's directory", async () => {
    await using system = await testSystem();
    await using dirs = await layout();
    const manifest = await manifestOf('filer');
    const actor = await system.spawn({
      ...manifest,
      baseDir: join(dirs.root, '..'),
      handlers: [
        { type: 'runtime' },
        { type: 'message-server' },
        { type: 'filesystem', path: 'root', allowedCommands: [], readOnly: false } as FilesystemHandlerConfig,
      ],
    });
    expect(await ask(actor, 'write here relative')).toBe('ok');
    expect(await readFile(join(dirs.root, 'here'), 'utf8')).toBe('relative');
  });

  describe('a child of a supervisor', () => {
    const child = (name: string, path: string, extra: string[] = []): string =>
      [
        `name = "${name}"`,
        'version = "0.1.0"',
        'component = "dist/filer.wasm"',
        '[[handler]]',
        'type = "runtime"',
        '[[handler]]',
        'type = "message-server"',
        '[[handler]]',
        'type = "filesystem"',
        `path = ${JSON.stringify(path)}`,
        ...extra,
      ].join('\n');

    async function parentWith(system: ActorSystem, root: string, grant: Partial<FilesystemHandlerConfig> = {}): Promise<Actor> {
      const manifest = await overseerManifest();
      return system.spawn({
        ...manifest,
        handlers: [...manifest.handlers, { type: 'filesystem', path: root, allowedCommands: ['ls'], readOnly: false, ...grant }],
      });
    }

    it("is refused a root outside its parent's, or commands and writes its parent lacks, naming the excess", async () => {
      await using system = await testSystem();
      await using dirs = await layout();
      const parent = await parentWith(system, dirs.root);
      const refusal = (name: string, excess: string): string =>
        `error:permission-denied: child ${name} asks for more than its parent overseer holds: handler "filesystem": ${excess}`;
      expect(await ask(parent, `spawn ${child('wide', dirs.outside)}`)).toBe(
        refusal('wide', `path ${dirs.outside} is outside the parent's ${dirs.root}`),
      );
      expect(await ask(parent, `spawn ${child('climber', join(dirs.root, '..'))}`)).toBe(
        refusal('climber', `path ${join(dirs.root, '..')} is outside the parent's ${dirs.root}`),
      );
      expect(await ask(parent, `spawn ${child('runner', dirs.root, ['allowed_commands = ["ls", "rm"]'])}`)).toBe(
        refusal('runner', "allowed_commands rm are not the parent's"),
      );
      expect(await ask(parent, 'children')).toBe('[]');
      const readOnlyParent = await parentWith(system, dirs.root, { readOnly: true });
      expect(await ask(readOnlyParent, `spawn ${child('writer', dirs.root)}`)).toBe(
        refusal('writer', "read_only is off, but the parent's files are read-only"),
      );
      expect(
        system
          .list()
          .map((actor) => actor.id)
          .sort(),
      ).toEqual([parent.id, readOnlyParent.id].sort());
      expect(await snapshot(dirs.outside)).toEqual({ folder: '<dir>', 'folder/x': 'outside x', secret: 'top secret' });
    });

    it("is refused a root that is written inside its parent's but is a symlink leading out of it", async () => {
      await using system = await testSystem();
      await using dirs = await layout();
      await symlink(dirs.outside, join(dirs.root, 'door'));
      const parent = await parentWith(system, dirs.root);
      const reply = await ask(parent, `spawn ${child('sneak', join(dirs.root, 'door'))}`);
      const realOutside = await realpath(dirs.outside);
      expect(reply).toBe(
        `error:permission-denied: handler[2].path (line 10): child sneak's filesystem root ${join(dirs.root, 'door')} leads to ${realOutside}, outside its parent's root ${await realpath(dirs.root)}`,
      );
      expect(await ask(parent, 'children')).toBe('[]');
      expect(system.list().map((actor) => actor.id)).toEqual([parent.id]);
    });

    it("is granted a root inside its parent's, and confined to it", async () => {
      await using system = await testSystem();
      await using dirs = await layout();
      await mkdir(join(dirs.root, 'sub'));
      await writeFile(join(dirs.root, 'parent-only'), 'parent');
      const parent = await parentWith(system, dirs.root);
      const id = await ask(parent, `spawn ${child('narrow', join(dirs.root, 'sub'), ['allowed_commands = ["ls"]'])}`);
      expect(id).toMatch(/^[0-9a-f-]{36}$/u);
      expect(decode(await system.request(id, text('write mine child')))).toBe('ok');
      expect(await readFile(join(dirs.root, 'sub', 'mine'), 'utf8')).toBe('child');
      expect(decode(await system.request(id, text('read ../parent-only')))).toBe(
        'error:permission-denied: path "../parent-only" leaves the root',
      );
    });
  });
});
