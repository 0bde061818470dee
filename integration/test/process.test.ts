/** The process handler through a real component: spawning, output delivery, stdin, signals, limits and confinement. */
import { mkdir, readdir, readFile, readlink, realpath, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { decodeEventData } from '@theater/event-chain';
import { defaultHandlers, type ProcessHandlerConfig } from '@theater/handlers';
import { createActorSystem, isKernelError, type Actor, type Manifest } from '@theater/kernel';
import { decode, manifestOf, overseerManifest, tempDir, testSystem, text } from './helpers.js';

type Delivery = { pid: number; stdout: string } | { pid: number; stderr: string } | { pid: number; exit: number };

async function ask(actor: Actor, command: string): Promise<string> {
  return decode(await actor.request(text(command)));
}

/** Everything `process-handlers` has delivered to the spawner so far. */
async function output(actor: Actor): Promise<Delivery[]> {
  for (;;) {
    try {
      return JSON.parse(await ask(actor, 'output')) as Delivery[];
    } catch (error) {
      // A test that fills the mailbox on purpose may refuse this request too; the deliveries are never refused.
      if (!isKernelError(error, 'mailbox-full')) throw error;
      await sleep(20);
    }
  }
}

/** Polls until `done` holds for `read()` (at most ~10 s), returning the last value read. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; !done(value); attempt++) {
    if (attempt >= 400) throw new Error(`condition not reached; last value: ${JSON.stringify(value)}`);
    await sleep(25);
    value = await read();
  }
  return value;
}

/** The deliveries for `pid`, once its exit has been delivered. */
async function finished(actor: Actor, pid: number): Promise<Delivery[]> {
  const all = await until(
    () => output(actor),
    (deliveries) => deliveries.some((d) => d.pid === pid && 'exit' in d),
  );
  return all.filter((d) => d.pid === pid);
}

function withProcess(manifest: Manifest, changes: Partial<Omit<ProcessHandlerConfig, 'type'>>): Manifest {
  return { ...manifest, handlers: manifest.handlers.map((h) => (h.type === 'process' ? { ...h, ...changes } : h)) };
}

/** The data of the last event of `type`. */
async function lastEvent(actor: Actor, type: string): Promise<unknown> {
  const event = (await actor.events()).filter((e) => e.type === type).at(-1);
  return event === undefined ? undefined : decodeEventData(event.data);
}

/** The paths under `dir` this process (the host, where handlers run) holds open. */
async function heldUnder(dir: string): Promise<string[]> {
  const links = await Promise.all((await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return links.filter((link) => link === dir || link.startsWith(`${dir}/`));
}

/** The OS pids of processes whose command line is exactly `args`, found in /proc (tests only; actors never see them). */
async function osPids(args: readonly string[]): Promise<number[]> {
  const wanted = `${args.join('\0')}\0`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline === wanted) found.push(Number(entry));
  }
  return found;
}

describe('spawning and output', () => {
  it('runs an allowed program, delivers its stdout through handle-stdout, then handle-exit, recorded in the chain', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    expect(await ask(spawner, 'spawn raw echo hello world')).toBe('1');
    expect(await finished(spawner, 1)).toEqual([
      { pid: 1, stdout: 'hello world\n' },
      { pid: 1, exit: 0 },
    ]);

    expect(await lastEvent(spawner, 'theater:simple/process.os-spawn')).toEqual({
      args: [{ program: 'echo', args: ['hello', 'world'], env: [], bufferSize: 0, stdoutMode: 'raw', stderrMode: 'raw' }],
      result: 1n,
    });
    const calls = (await spawner.events())
      .filter((e) => e.type === 'wasm.call')
      .map((e) => decodeEventData(e.data) as { interface: string; function: string; params: unknown[] });
    const delivered = calls.filter((call) => call.interface === 'theater:simple/process-handlers');
    expect(delivered).toEqual([
      { interface: 'theater:simple/process-handlers', function: 'handle-stdout', params: [1n, text('hello world\n')] },
      { interface: 'theater:simple/process-handlers', function: 'handle-exit', params: [1n, 0] },
    ]);
    expect(await system.verify(spawner.id)).toMatchObject({ ok: true });
    // The chain holds what replay needs: the spawn's recorded result and each delivery as an operation.
    await spawner.stop();
    expect(await system.replay(spawner.id)).toMatchObject({ ok: true });
  });

  it('splits output by mode: one delivery per line, per non-blank JSON line, or per chunk', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    // printf turns the two characters \n of its format into newlines; the last line has none.
    expect(await ask(spawner, 'spawn line-by-line printf one\\n\\nthree\\nfour')).toBe('1');
    expect(await finished(spawner, 1)).toEqual([
      { pid: 1, stdout: 'one' },
      { pid: 1, stdout: '' },
      { pid: 1, stdout: 'three' },
      { pid: 1, stdout: 'four' },
      { pid: 1, exit: 0 },
    ]);
    expect(await ask(spawner, 'spawn json printf {"a":1}\\n\\n[2]\\n')).toBe('2');
    expect(await finished(spawner, 2)).toEqual([
      { pid: 2, stdout: '{"a":1}' },
      { pid: 2, stdout: '[2]' },
      { pid: 2, exit: 0 },
    ]);
    expect(await ask(spawner, 'spawn chunked printf abcdefghij')).toBe('3');
    expect(await finished(spawner, 3)).toEqual([
      { pid: 3, stdout: 'abcd' },
      { pid: 3, stdout: 'efgh' },
      { pid: 3, stdout: 'ij' },
      { pid: 3, exit: 0 },
    ]);
    expect(await ask(spawner, 'config {"program":"echo","stdoutMode":"chunked"}')).toBe(
      'error:chunked output needs a chunk-size of at least 1',
    );
    expect(await ask(spawner, 'config {"program":"echo","stdoutMode":"chunked","chunkSize":100,"bufferSize":10}')).toBe(
      'error:chunk-size 100 exceeds the output buffer of 10 bytes',
    );
  });

  it('delivers stderr and the exit code of a failing program', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    expect(await ask(spawner, 'spawn raw ls /nonexistent-theater-path')).toBe('1');
    const deliveries = await finished(spawner, 1);
    expect(deliveries.at(-1)).toEqual({ pid: 1, exit: 2 });
    const stderr = deliveries.flatMap((d) => ('stderr' in d ? [d.stderr] : [])).join('');
    expect(stderr).toContain('/nonexistent-theater-path');
    expect(deliveries.filter((d) => 'stdout' in d)).toEqual([]);
    expect(JSON.parse(await ask(spawner, 'status 1'))).toMatchObject({ pid: 1, running: false, exitCode: 2 });
  });

  it('writes to stdin (cat echoes it back), closes stdin on an empty write, and refuses writes after the exit', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    expect(await ask(spawner, 'spawn line-by-line cat')).toBe('1');
    expect(await ask(spawner, 'stdin 1 hello there\n')).toBe('12');
    await until(
      () => output(spawner),
      (deliveries) => deliveries.some((d) => 'stdout' in d && d.stdout === 'hello there'),
    );
    expect(await ask(spawner, 'stdin 1 second\n')).toBe('7');
    expect(await ask(spawner, 'close 1')).toBe('0');
    expect(await ask(spawner, 'stdin 1 late')).toMatch(/^error:(the stdin of process 1 is closed|process 1 has exited)$/u);
    expect(await finished(spawner, 1)).toEqual([
      { pid: 1, stdout: 'hello there' },
      { pid: 1, stdout: 'second' },
      { pid: 1, exit: 0 },
    ]);
    expect(await ask(spawner, 'stdin 1 late')).toBe('error:process 1 has exited');
    expect(await lastEvent(spawner, 'theater:simple/process.os-write-stdin')).toEqual({
      args: [1n, text('late')],
      error: 'process 1 has exited',
    });
  });

  it("passes exactly the actor's environment plus the host's PATH, which the actor may not set", async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    expect(await ask(spawner, 'config {"program":"printenv","env":[["GREETING","hi there"]],"stdoutMode":"line-by-line"}')).toBe('1');
    const lines = (await finished(spawner, 1)).flatMap((d) => ('stdout' in d ? [d.stdout] : []));
    expect(lines.sort()).toEqual(['GREETING=hi there', `PATH=${process.env['PATH']}`]);
    const denied = "permission-denied: env PATH is the host's; a process cannot set it";
    expect(await ask(spawner, 'config {"program":"echo","env":[["PATH","/tmp"]]}')).toBe(`error:${denied}`);
    expect(await lastEvent(spawner, 'theater:simple/process.os-spawn')).toMatchObject({ error: denied });
    // The loader's variables would load a library of the actor's choosing into the allowed program.
    for (const name of ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'GCONV_PATH']) {
      expect(await ask(spawner, `config {"program":"printenv","env":[["${name}","./evil.so"]]}`)).toBe(
        `error:permission-denied: env ${name} would load code into the program; a process cannot set it`,
      );
    }
  });

  it('keeps every byte of a large output in order, pausing the pipe while the actor catches up with a full mailbox', async () => {
    await using dir = await tempDir();
    const content = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    await writeFile(join(dir.path, 'big.txt'), content);
    await using system = await testSystem();
    const manifest = withProcess(await manifestOf('spawner'), { cwd: dir.path });
    // A mailbox of 2 makes the deliveries of three processes at once wait for room, and a 64-byte buffer pauses the pipes.
    const spawner = await system.spawn({ ...manifest, limits: { ...manifest.limits, mailbox: 2 } });
    const spawnConfig = '{"program":"cat","args":["big.txt"],"stdoutMode":"chunked","chunkSize":64,"bufferSize":64}';
    // The first process's output may fill the mailbox before the next spawn is asked for: a full mailbox refuses an
    // outside request (`mailbox-full`, "try again later"), so ask again once there is room, as a caller would.
    const spawnWhenRoom = async (): Promise<string> => {
      for (;;) {
        try {
          return await ask(spawner, `config ${spawnConfig}`);
        } catch (error) {
          if (!isKernelError(error, 'mailbox-full')) throw error;
          await sleep(10);
        }
      }
    };
    const ids = [await spawnWhenRoom(), await spawnWhenRoom(), await spawnWhenRoom()];
    expect(ids).toEqual(['1', '2', '3']);
    for (const pid of [1, 2, 3]) {
      const deliveries = await finished(spawner, pid);
      expect(deliveries.at(-1)).toEqual({ pid, exit: 0 });
      const chunks = deliveries.flatMap((d) => ('stdout' in d ? [d.stdout] : []));
      expect(chunks.join('')).toBe(content);
      expect(chunks.slice(0, -1).every((chunk) => chunk.length === 64)).toBe(true);
    }
  });
});

describe('denials', () => {
  it('refuses a program not named exactly in allowed_programs, and records the refusal', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    for (const program of ['sh', '/bin/echo', './echo', 'echo ', 'ECHO']) {
      const denied = `permission-denied: program ${program} is not in allowed_programs`;
      expect(await ask(spawner, `config ${JSON.stringify({ program, args: ['-c', 'id'] })}`)).toBe(`error:${denied}`);
      expect(await lastEvent(spawner, 'theater:simple/process.os-spawn')).toEqual({
        args: [{ program, args: ['-c', 'id'], env: [], bufferSize: 0, stdoutMode: 'raw', stderrMode: 'raw' }],
        error: denied,
      });
    }
    expect(await output(spawner)).toEqual([]);
  });

  it('refuses more than max_processes running at once, and frees a place when one is killed', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    for (const id of ['1', '2', '3']) expect(await ask(spawner, 'spawn raw sleep 30')).toBe(id);
    const denied = 'permission-denied: 3 processes are running; max_processes is 3';
    expect(await ask(spawner, 'spawn raw sleep 30')).toBe(`error:${denied}`);
    expect(await lastEvent(spawner, 'theater:simple/process.os-spawn')).toMatchObject({ error: denied });
    expect(await ask(spawner, 'kill 2')).toBe('ok');
    expect(await ask(spawner, 'spawn raw echo room')).toBe('4');
    expect(await finished(spawner, 4)).toEqual([
      { pid: 4, stdout: 'room\n' },
      { pid: 4, exit: 0 },
    ]);
  });

  it('refuses unknown process ids in every function', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    for (const command of ['status 7', 'kill 7', 'signal 7 15', 'stdin 7 x', 'close 7', 'status 18446744073709551615']) {
      expect(await ask(spawner, command)).toMatch(/^error:unknown process (7|18446744073709551615)$/u);
    }
    expect(await lastEvent(spawner, 'theater:simple/process.os-status')).toEqual({
      args: [18446744073709551615n],
      error: 'unknown process 18446744073709551615',
    });
  });
});

describe('working directories', () => {
  it('runs in a private temporary directory by default, removed when the actor stops', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    expect(await ask(spawner, 'spawn raw pwd')).toBe('1');
    const [printed] = await finished(spawner, 1);
    const dir = (printed as { stdout: string }).stdout.trim();
    expect(dir.startsWith(join(await realpath(tmpdir()), 'theater-process-'))).toBe(true);
    expect((await stat(dir)).isDirectory()).toBe(true);
    await spawner.stop();
    await until(
      () =>
        stat(dir).then(
          () => true,
          () => false,
        ),
      (exists) => !exists,
    );
  });

  it('confines cwd to the configured directory: refuses .., absolute paths and symlinks leading out', async () => {
    await using root = await tempDir();
    await using outside = await tempDir();
    await mkdir(join(root.path, 'sub', 'deeper'), { recursive: true });
    await symlink(outside.path, join(root.path, 'out'));
    await symlink(join(root.path, 'sub'), join(root.path, 'inner'));
    await writeFile(join(root.path, 'file.txt'), 'not a directory');
    await using system = await testSystem();
    const manifest = await manifestOf('spawner');
    const allowed = manifest.handlers.flatMap((h) => (h.type === 'process' ? (h as ProcessHandlerConfig).allowedPrograms : []));
    const missingProgram = 'theater-no-such-program';
    const spawner = await system.spawn(withProcess(manifest, { cwd: root.path, allowedPrograms: [...allowed, missingProgram] }));
    const denials: [string, string][] = [
      ['../', 'permission-denied: cwd ../ is outside the process directory'],
      ['sub/../..', 'permission-denied: cwd sub/../.. is outside the process directory'],
      [outside.path, `permission-denied: cwd ${outside.path} is absolute; give a path relative to the process directory`],
      ['/', 'permission-denied: cwd / is absolute; give a path relative to the process directory'],
      ['out', 'permission-denied: cwd out leads outside the process directory through a symbolic link'],
      ['out/', 'permission-denied: cwd out/ leads outside the process directory through a symbolic link'],
    ];
    for (const [cwd, denied] of denials) {
      expect(await ask(spawner, `spawnin ${cwd} pwd`)).toBe(`error:${denied}`);
      expect(await lastEvent(spawner, 'theater:simple/process.os-spawn')).toMatchObject({ args: [{ program: 'pwd', cwd }], error: denied });
    }
    expect(await ask(spawner, 'spawnin missing pwd')).toBe('error:cwd missing does not exist');
    // Percent-encoding means nothing to the file system: it names a directory called "%2e%2e", which is not there.
    expect(await ask(spawner, 'spawnin %2e%2e pwd')).toBe('error:cwd %2e%2e does not exist');
    expect(await ask(spawner, 'spawnin file.txt pwd')).toBe('error:cwd file.txt is not a directory');
    expect(await output(spawner)).toEqual([]);

    const real = await realpath(root.path);
    expect(await ask(spawner, 'spawnin sub/deeper pwd')).toBe('1');
    expect(await finished(spawner, 1)).toEqual([
      { pid: 1, stdout: `${join(real, 'sub', 'deeper')}\n` },
      { pid: 1, exit: 0 },
    ]);
    // A symlink that stays inside is followed: the process runs in its real target.
    expect(await ask(spawner, 'spawnin inner pwd')).toBe('2');
    expect(await finished(spawner, 2)).toEqual([
      { pid: 2, stdout: `${join(real, 'sub')}\n` },
      { pid: 2, exit: 0 },
    ]);
    expect(await ask(spawner, 'spawnin . pwd')).toBe('3');
    expect(await finished(spawner, 3)).toEqual([
      { pid: 3, stdout: `${real}\n` },
      { pid: 3, exit: 0 },
    ]);
    // Each spawn opens its directory and starts the process through that handle; the handle is closed once the
    // process has started, or when it could not start.
    expect(await ask(spawner, `spawnin sub ${missingProgram}`)).toBe(`error:program ${missingProgram} was not found on the host`);
    expect(await heldUnder(real)).toEqual([]);
  });

  it('refuses to start an actor whose configured cwd is not a directory', async () => {
    await using system = await testSystem();
    const missing = join(tmpdir(), 'theater-process-missing-dir');
    await expect(system.spawn(withProcess(await manifestOf('spawner'), { cwd: missing }))).rejects.toMatchObject({
      code: 'invalid-grant',
      message: `handler[2].cwd: ${missing} is not a directory`,
    });
  });

  it('starts no process when the directory it was granted is later swapped for a symlink out', async () => {
    await using dirs = await tempDir();
    const work = join(dirs.path, 'work');
    await mkdir(work);
    await mkdir(join(dirs.path, 'outside'));
    await using system = await testSystem();
    const spawner = await system.spawn(withProcess(await manifestOf('spawner'), { cwd: work }));
    const granted = await realpath(work);
    await rename(work, join(dirs.path, 'work-moved'));
    await symlink(join(dirs.path, 'outside'), work);
    // The granted directory's real path was fixed at start: the name now leads outside, and nothing runs there.
    expect(granted).toBe(join(await realpath(dirs.path), 'work'));
    expect(await ask(spawner, 'spawnin . pwd')).toBe(
      'error:permission-denied: cwd . leads outside the process directory through a symbolic link',
    );
    expect(await ask(spawner, 'spawn raw pwd')).toBe(
      'error:permission-denied: the process directory leads outside the process directory (it changed while in use)',
    );
    expect(await output(spawner)).toEqual([]);
  });
});

describe('signals and the end of the actor', () => {
  it('signals and kills a process, reporting 128 + the signal as its exit code, and refuses other signals', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    const before = Date.now();
    expect(await ask(spawner, 'spawn raw sleep 30')).toBe('1');
    const after = Date.now();
    expect(await ask(spawner, 'spawn raw sleep 30')).toBe('2');
    const status = JSON.parse(await ask(spawner, 'status 1')) as { startTime: number };
    expect(status).toMatchObject({ pid: 1, running: true, exitCode: null });
    expect(status.startTime).toBeGreaterThanOrEqual(before);
    expect(status.startTime).toBeLessThanOrEqual(after);

    const denied = 'permission-denied: signal 19 is not one of 1, 2, 3, 9, 10, 12, 15';
    expect(await ask(spawner, 'signal 1 19')).toBe(`error:${denied}`);
    expect(await lastEvent(spawner, 'theater:simple/process.os-signal')).toEqual({ args: [1n, 19], error: denied });
    expect(await ask(spawner, 'signal 1 0')).toBe('error:permission-denied: signal 0 is not one of 1, 2, 3, 9, 10, 12, 15');

    expect(await ask(spawner, 'signal 1 15')).toBe('ok');
    expect(await finished(spawner, 1)).toEqual([{ pid: 1, exit: 143 }]);
    expect(JSON.parse(await ask(spawner, 'status 1'))).toMatchObject({ pid: 1, running: false, exitCode: 143 });
    expect(await ask(spawner, 'signal 1 15')).toBe('error:process 1 has exited');

    expect(await ask(spawner, 'kill 2')).toBe('ok');
    expect(JSON.parse(await ask(spawner, 'status 2'))).toMatchObject({ pid: 2, running: false, exitCode: 137 });
    expect(await finished(spawner, 2)).toEqual([{ pid: 2, exit: 137 }]);
    expect(await ask(spawner, 'kill 2')).toBe('error:process 2 has exited');
  });

  it('kills every process still running when the actor stops', async () => {
    await using system = await testSystem();
    const spawner = await system.spawn(await manifestOf('spawner'));
    // A duration unique to this run, to find the processes in /proc.
    const marker = ['sleep', `31337.${process.pid}`];
    expect(await ask(spawner, `spawn raw ${marker.join(' ')}`)).toBe('1');
    expect(await ask(spawner, `spawn raw ${marker.join(' ')}`)).toBe('2');
    const pids = await until(
      () => osPids(marker),
      (found) => found.length === 2,
    );
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
    await spawner.stop();
    await until(
      () => osPids(marker),
      (found) => found.length === 0,
    );
  });

  it('kills them when the system closes, too', async () => {
    const marker = ['sleep', `31338.${process.pid}`];
    {
      await using system = await testSystem();
      const spawner = await system.spawn(await manifestOf('spawner'));
      expect(await ask(spawner, `spawn raw ${marker.join(' ')}`)).toBe('1');
      expect(
        await until(
          () => osPids(marker),
          (found) => found.length === 1,
        ),
      ).toHaveLength(1);
    }
    expect(await osPids(marker)).toEqual([]);
  });
});

describe('effective permissions', () => {
  /** An inline spawner manifest (relative to the overseer's directory) allowing `programs`, its grant ending with `extra`. */
  const spawnerChild = (programs: readonly string[], extra: readonly string[] = []): string =>
    [
      'name = "spawner-child"',
      'version = "0.1.0"',
      'component = "dist/spawner.wasm"',
      '[[handler]]',
      'type = "runtime"',
      '[[handler]]',
      'type = "message-server"',
      '[[handler]]',
      'type = "process"',
      `allowed_programs = ${JSON.stringify(programs)}`,
      'max_processes = 1',
      'max_output_buffer = 1024',
      ...extra,
    ].join('\n');

  /** A system whose process handler lets the overseer, which exports no process-handlers, hold a process grant. */
  function systemForOverseers(home: string): ReturnType<typeof createActorSystem> {
    const handlers = defaultHandlers().map((handler) => (handler.type === 'process' ? { ...handler, requiredExports: {} } : handler));
    return createActorSystem({ handlers, home, poolSize: 1 });
  }

  it('refuses a child asking for process when its parent has no process grant', async () => {
    await using system = await testSystem();
    const parent = await system.spawn(await overseerManifest());
    expect(await ask(parent, `spawn ${spawnerChild(['echo'])}`)).toBe(
      'error:permission-denied: child spawner-child asks for more than its parent overseer holds: handler "process", which the parent does not have',
    );
  });

  it('refuses a child asking for a program its parent may not run, and lets a narrower child run its own', async () => {
    await using home = await tempDir();
    // The overseer then holds a real process grant for its child to be compared with.
    await using system = systemForOverseers(home.path);
    const overseer = await overseerManifest();
    const grant: ProcessHandlerConfig = { type: 'process', allowedPrograms: ['echo'], maxProcesses: 2, maxOutputBuffer: 4096 };
    const parent = await system.spawn({ ...overseer, handlers: [...overseer.handlers, grant] });
    expect(await ask(parent, `spawn ${spawnerChild(['echo', 'cat'])}`)).toBe(
      'error:permission-denied: child spawner-child asks for more than its parent overseer holds: handler "process": allowed_programs cat are not the parent\'s',
    );
    const child = await ask(parent, `spawn ${spawnerChild(['echo'])}`);
    expect(child).toMatch(/^[0-9a-f-]{36}$/u);
    expect(await ask(parent, `ask ${child} spawn raw echo from the child`)).toBe('reply:1');
    expect(await ask(parent, `ask ${child} spawn raw cat`)).toBe('reply:error:permission-denied: program cat is not in allowed_programs');
  });

  it("refuses a child whose cwd is inside its parent's as written but leads out through a symlink, and lets one inside list only its own", async () => {
    await using home = await tempDir();
    await using dirs = await tempDir();
    const pcwd = join(dirs.path, 'pcwd');
    await mkdir(join(pcwd, 'inside'), { recursive: true });
    await mkdir(join(dirs.path, 'outside'));
    await writeFile(join(dirs.path, 'outside', 'secret'), 'top secret');
    await writeFile(join(pcwd, 'inside', 'mine'), "the child's");
    await symlink(join(dirs.path, 'outside'), join(pcwd, 'link-out'));
    await using system = systemForOverseers(home.path);
    const overseer = await overseerManifest();
    const grant: ProcessHandlerConfig = { type: 'process', allowedPrograms: ['ls'], maxProcesses: 2, maxOutputBuffer: 4096, cwd: pcwd };
    const parent = await system.spawn({ ...overseer, handlers: [...overseer.handlers, grant] });
    const childIn = (cwd: string): string => spawnerChild(['ls'], [`cwd = ${JSON.stringify(cwd)}`]);
    const real = await realpath(dirs.path);
    expect(await ask(parent, `spawn ${childIn(join(pcwd, 'link-out'))}`)).toBe(
      `error:permission-denied: child spawner-child asks for more than its parent overseer holds: handler "process": cwd ${join(pcwd, 'link-out')} leads to ${join(real, 'outside')}, outside the parent's ${join(real, 'pcwd')}`,
    );
    expect(await ask(parent, 'children')).toBe('[]');
    expect(system.list().map((actor) => actor.id)).toEqual([parent.id]);

    const child = await ask(parent, `spawn ${childIn(join(pcwd, 'inside'))}`);
    expect(child).toMatch(/^[0-9a-f-]{36}$/u);
    expect(await ask(parent, `ask ${child} spawn raw ls`)).toBe('reply:1');
    const deliveries = await until(
      async () => JSON.parse(decode(await system.request(child, text('output')))) as Delivery[],
      (all) => all.some((d) => 'exit' in d),
    );
    expect(deliveries).toEqual([
      { pid: 1, stdout: 'mine\n' },
      { pid: 1, exit: 0 },
    ]);
  });
});
