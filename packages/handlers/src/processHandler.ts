/**
 * The `process` handler: OS processes started for an actor, their output delivered to its `process-handlers` export.
 *
 * - Only a program named exactly in `allowed_programs` runs, directly (never through a shell), found on the host's
 *   `PATH`; at most `max_processes` run at once.
 * - Processes run in the manifest's `cwd` (resolved against the manifest's directory) or, without one, in a private
 *   temporary directory created for the actor and removed when it ends; a spawn's `cwd` may name a subdirectory,
 *   checked by real path and then opened, so the process starts in the verified handle, not in a path that could be
 *   swapped for a symlink after the check.
 * - The environment is exactly the pairs the actor passes, plus the host's `PATH` (which the actor may not set, nor
 *   the loader's `LD_*` or `GCONV_PATH`, which would load code of its choosing into the program).
 * - Each process runs in its own process group: signals reach the group, and when a process exits, anything it left
 *   running in its group is killed with it. When the actor ends, every process still running is killed (SIGKILL).
 * - Output reaches the actor as calls of `handle-stdout` / `handle-stderr` (operations in its mailbox, recorded in its
 *   chain), in order per stream, then `handle-exit`; a full mailbox is retried, never dropped.
 * - Ids are actor-local (1, 2, 3…), never OS pids.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  handlerType,
  HostCallError,
  integer,
  isInside,
  isKernelError,
  KernelError,
  nonEmptyString,
  realLocation,
  stringList,
  table,
  type HandlerContext,
  type HandlerDefinition,
  type HostInterfaces,
  type Manifest,
} from '@theater/kernel';
import { at } from './confinement/verifiedHandle.js';
import { findProgram } from './process/findProgram.js';
import { forwardOutput, type DeliverOutput } from './process/processOutput.js';
import { exitCodeOf, isRunning, ProcessTable, signalGroup, type TrackedProcess } from './process/processTable.js';
import { workingDirectory } from './process/workingDirectory.js';

type ProcessHost = Pick<HostInterfaces, 'theater:simple/process'>;

const PROCESS_HANDLERS = 'theater:simple/process-handlers';

/** The signals an actor may send: the ones that ask a program to stop, reload or act, never stop/continue or debug. */
const ALLOWED_SIGNALS: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2', 'SIGTERM'];

/** How long `os-kill`, and the actor's end, wait for a killed process to be gone. */
const KILL_WAIT_MS = 2000;

/** `type = "process"`: run `allowedPrograms`, at most `maxProcesses` at once, in `cwd` (default: a private temporary directory). */
export interface ProcessHandlerConfig {
  readonly type: 'process';
  readonly allowedPrograms: readonly string[];
  readonly maxProcesses: number;
  readonly maxOutputBuffer: number;
  readonly cwd?: string;
}

/** Sizes in the defaults below. */
const MIB = 1024 * 1024;

const configSchema = table({
  type: handlerType('process'),
  allowed_programs: stringList()
    .default([])
    .describe(
      "Programs the actor may start (never through a shell): a name looked up in the host's PATH, or an absolute " +
        'path, matched exactly. None by default.',
    ),
  max_processes: integer('positive').default(10).describe("How many of the actor's processes may run at once."),
  max_output_buffer: integer('positive')
    .default(MIB)
    .describe('The most output read from one process but not yet delivered to the actor, in bytes.'),
  cwd: nonEmptyString()
    .optional()
    .describe(
      "The directory processes run in, relative to this manifest's directory or absolute; it must exist. " +
        'Without it: a private temporary directory, removed when the actor ends.',
    ),
}).transform((v): ProcessHandlerConfig => {
  const config = {
    type: 'process',
    allowedPrograms: v.allowed_programs,
    maxProcesses: v.max_processes,
    maxOutputBuffer: v.max_output_buffer,
  } as const;
  return v.cwd === undefined ? config : { ...config, cwd: v.cwd };
});

/** Grants `theater:simple/process`, and requires `process-handlers` to deliver output to. */
export const processHandler: HandlerDefinition<ProcessHandlerConfig> = {
  type: 'process',
  description: 'Running host programs, their output delivered to the actor (theater:simple/process).',
  config: configSchema,
  provides: ['theater:simple/process'],
  requiredExports: { [PROCESS_HANDLERS]: ['handle-stdout', 'handle-stderr', 'handle-exit'] },
  async admit({ manifest, config, field, parent }) {
    if (config.cwd === undefined) return;
    const dir = configuredDirectory(manifest, config.cwd);
    const found = await stat(dir).catch(() => undefined);
    if (found?.isDirectory() !== true) throw new KernelError('invalid-grant', `${field('cwd')}: ${dir} is not a directory`);
    // `excess` compared real paths when the supervisor asked; compared again here, just before the actor starts and
    // its directory's real path is fixed, so a symlink swapped in meanwhile (while the component loaded) is caught.
    if (parent?.config?.cwd !== undefined) {
      const parentDir = configuredDirectory(parent.manifest, parent.config.cwd);
      const [real, parentReal] = [realLocation(dir), realLocation(parentDir)];
      if (real === undefined || parentReal === undefined || !isInside(real, parentReal)) {
        throw new KernelError(
          'permission-denied',
          `${field('cwd')}: child ${manifest.name}'s process directory ${dir} leads to ${real ?? 'an unknown place'}, outside its parent's ${parentReal ?? parentDir}`,
        );
      }
    }
  },
  excess(wanted, held, { child, parent }) {
    const programs = wanted.allowedPrograms.filter((program) => !held.allowedPrograms.includes(program));
    if (programs.length > 0) return `allowed_programs ${programs.join(', ')} are not the parent's`;
    if (wanted.maxProcesses > held.maxProcesses) return `max_processes ${wanted.maxProcesses} exceeds the parent's ${held.maxProcesses}`;
    if (wanted.maxOutputBuffer > held.maxOutputBuffer)
      return `max_output_buffer ${wanted.maxOutputBuffer} exceeds the parent's ${held.maxOutputBuffer}`;
    // Without cwd, processes run in a private temporary directory: the narrowest place.
    if (held.cwd === undefined)
      return wanted.cwd === undefined ? undefined : `cwd ${wanted.cwd} is set, but the parent's processes run in a private directory`;
    const parentCwd = configuredDirectory(parent, held.cwd);
    if (wanted.cwd === undefined) return `it sets no cwd, but the parent's processes are confined to ${parentCwd}`;
    const cwd = configuredDirectory(child, wanted.cwd);
    if (!isInside(cwd, parentCwd)) return `cwd ${cwd} is outside the parent's ${parentCwd}`;
    // Inside as written may still lead out through a symlink: compare where both really are, as the filesystem does.
    const [real, parentReal] = [realLocation(cwd), realLocation(parentCwd)];
    if (real === undefined) return `cwd ${cwd} has no real path to compare with the parent's (a symlink on it leads nowhere or loops)`;
    if (parentReal === undefined || !isInside(real, parentReal))
      return `cwd ${cwd} leads to ${real}, outside the parent's ${parentReal ?? parentCwd}`;
    return undefined;
  },
  create(context): ProcessHost {
    const { config } = context;
    const table = new ProcessTable(config.maxProcesses);
    const delivery = createDelivery(context);
    let ended = false;
    let privateDir: Promise<string> | undefined;
    // The granted directory's real path is fixed when the actor starts, as the filesystem handler fixes its root: a
    // directory swapped for a symlink later does not move the actor's processes (admit and excess checked this one).
    const grantedDir =
      config.cwd === undefined
        ? undefined
        : realpath(configuredDirectory(context.manifest, config.cwd)).catch(() => {
            throw new HostCallError(`the process directory (cwd ${config.cwd}) no longer exists`);
          });
    grantedDir?.catch(() => {});
    const root = (): Promise<string> => {
      if (grantedDir !== undefined) return grantedDir;
      privateDir ??= mkdtemp(join(tmpdir(), 'theater-process-')).then((dir) => realpath(dir));
      return privateDir;
    };

    context.onExit(async () => {
      ended = true;
      delivery.stop();
      const running = table.running();
      for (const tracked of running) signalGroup(tracked.child, 'SIGKILL');
      await Promise.all(running.map((tracked) => within(tracked.exited, KILL_WAIT_MS)));
      for (const { child } of table.all()) for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
      if (privateDir !== undefined) await rm(await privateDir, { recursive: true, force: true });
    });

    const running = (pid: bigint): TrackedProcess => {
      const tracked = table.get(pid);
      if (!isRunning(tracked.child)) throw new HostCallError(`process ${pid} has exited`);
      return tracked;
    };

    return {
      'theater:simple/process': {
        async osSpawn(request) {
          if (!config.allowedPrograms.includes(request.program)) {
            throw new HostCallError(`permission-denied: program ${request.program} is not in allowed_programs`);
          }
          const env = environment(request.env);
          const limit = request.bufferSize > 0 ? Math.min(request.bufferSize, config.maxOutputBuffer) : config.maxOutputBuffer;
          if (request.stdoutMode === 'chunked' || request.stderrMode === 'chunked') {
            const size = request.chunkSize ?? 0;
            if (size < 1) throw new HostCallError('chunked output needs a chunk-size of at least 1');
            if (size > limit) throw new HostCallError(`chunk-size ${size} exceeds the output buffer of ${limit} bytes`);
          }
          const release = table.claim();
          try {
            const directory = await workingDirectory(await root(), request.cwd);
            try {
              const executable = await findProgram(request.program, process.env['PATH'] ?? '');
              if (executable === undefined) throw new HostCallError(`program ${request.program} was not found on the host`);
              // The process starts in the directory the verified handle names, whatever its path has become since the
              // check. The handle is closed only once the output is followed: a program that exits while this waits
              // for the close would have its unread output discarded.
              const { child, exited } = await start(executable, request.program, request.args, at(directory), env);
              if (ended) {
                signalGroup(child, 'SIGKILL');
                throw new HostCallError('the actor has ended');
              }
              const tracked = table.add(child, context.now(), exited);
              watchStdin(child);
              void forwardOutput(
                {
                  stdout: child.stdout!,
                  stderr: child.stderr!,
                  stdoutMode: request.stdoutMode,
                  stderrMode: request.stderrMode,
                  chunkSize: request.chunkSize,
                  limit,
                  exited,
                },
                (fn, payload) => delivery.deliver(fn, [BigInt(tracked.id), payload]),
              );
              return BigInt(tracked.id);
            } finally {
              await directory.close();
            }
          } finally {
            release();
          }
        },

        osWriteStdin(pid, data) {
          const { child } = running(pid);
          const stdin = child.stdin!;
          if (stdin.writableEnded || stdin.destroyed) throw new HostCallError(`the stdin of process ${pid} is closed`);
          // Empty data closes stdin: the program reads end-of-file.
          if (data.length === 0) {
            stdin.end();
            return 0;
          }
          // The guest never waits on the pipe (the process may itself be waiting for the actor to take its output),
          // but what waits for the process to read is bounded like its output.
          const limit = config.maxOutputBuffer;
          if (stdin.writableLength + data.length > limit) {
            throw new HostCallError(
              `${stdin.writableLength} bytes already wait for process ${pid} to read them; its stdin takes at most ${limit}`,
            );
          }
          stdin.write(data.slice());
          return data.length;
        },

        osStatus(pid) {
          const { id, child, startTime } = table.get(pid);
          const live = isRunning(child);
          const status = { pid: BigInt(id), running: live, startTime: BigInt(Math.trunc(startTime)) };
          return live ? status : { ...status, exitCode: exitCodeOf(child.exitCode, child.signalCode) };
        },

        osSignal(pid, signal) {
          const name = signalName(signal);
          if (name === undefined || !ALLOWED_SIGNALS.includes(name)) {
            const allowed = ALLOWED_SIGNALS.map((allowedName) => constants.signals[allowedName]).join(', ');
            throw new HostCallError(`permission-denied: signal ${signal} is not one of ${allowed}`);
          }
          signalGroup(running(pid).child, name);
        },

        async osKill(pid) {
          const tracked = running(pid);
          signalGroup(tracked.child, 'SIGKILL');
          await within(tracked.exited, KILL_WAIT_MS);
        },
      },
    };
  },
};

/** The manifest's `cwd`, resolved against the manifest's directory. */
function configuredDirectory(manifest: Manifest, cwd: string): string {
  return resolve(manifest.baseDir ?? process.cwd(), cwd);
}

/** The process's environment: the actor's pairs, and the host's `PATH` for programs that run others. */
function environment(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (name === 'PATH') throw new HostCallError("permission-denied: env PATH is the host's; a process cannot set it");
    // The dynamic loader's variables (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT…) and glibc's GCONV_PATH load code of the
    // actor's choosing into any allowed program: with a file it can write, the actor would run anything.
    if (name.startsWith('LD_') || name === 'GCONV_PATH') {
      throw new HostCallError(`permission-denied: env ${name} would load code into the program; a process cannot set it`);
    }
    if (name === '' || name.includes('=') || name.includes('\0')) throw new HostCallError(`invalid env name ${JSON.stringify(name)}`);
    if (value.includes('\0')) throw new HostCallError(`env ${name} contains a NUL byte`);
    env[name] = value;
  }
  const path = process.env['PATH'];
  if (path !== undefined) env['PATH'] = path;
  return env;
}

/** Starts the process in its own process group, resolving once it runs (or rejecting with why it could not). */
function start(
  executable: string,
  program: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; exited: Promise<number> }> {
  let child: ChildProcess;
  try {
    child = spawn(executable, [...args], { argv0: program, cwd, env, shell: false, detached: true, stdio: 'pipe' });
  } catch (error) {
    return Promise.reject(new HostCallError(`cannot start ${program}: ${(error as Error).message}`));
  }
  const exited = new Promise<number>((done) => {
    child.once('exit', (code, signal) => {
      // Whatever the process left running in its group goes with it.
      signalGroup(child, 'SIGKILL');
      done(exitCodeOf(code, signal));
    });
  });
  return new Promise((resolveStart, rejectStart) => {
    child.once('spawn', () => resolveStart({ child, exited }));
    child.once('error', (error) => rejectStart(new HostCallError(`cannot start ${program}: ${error.message}`)));
    // A failed kill is reported as an 'error' too, and must not go unhandled.
    child.on('error', () => {});
  });
}

/** A write to a process that has closed its stdin fails asynchronously; the next write is refused instead. */
function watchStdin(child: ChildProcess): void {
  child.stdin?.on('error', () => child.stdin?.destroy());
}

function signalName(signal: number): NodeJS.Signals | undefined {
  return (Object.keys(constants.signals) as NodeJS.Signals[]).find((name) => constants.signals[name] === signal);
}

async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  const timer = new AbortController();
  await Promise.race([promise, sleep(ms, undefined, { signal: timer.signal }).catch(() => {})]);
  timer.abort();
}

/** Calls into the actor's `process-handlers`, waiting out a full mailbox; stops for good once the actor is gone. */
function createDelivery(context: HandlerContext<ProcessHandlerConfig>): {
  deliver(fn: Parameters<DeliverOutput>[0], params: readonly [bigint, Uint8Array | number]): Promise<boolean>;
  stop(): void;
} {
  let stopped = false;
  return {
    async deliver(fn, params) {
      for (let delayMs = 5; !stopped; delayMs = Math.min(delayMs * 2, 200)) {
        try {
          await context.call(PROCESS_HANDLERS, fn, params);
          return true;
        } catch (error) {
          if (!isKernelError(error, 'mailbox-full')) {
            // The actor has stopped or failed: no one is left to deliver to.
            stopped = true;
            if (!isKernelError(error)) context.log(`process output could not be delivered: ${String(error)}`);
            return false;
          }
          await sleep(delayMs);
        }
      }
      return false;
    },
    stop() {
      stopped = true;
    },
  };
}
