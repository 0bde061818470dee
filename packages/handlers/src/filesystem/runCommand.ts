/**
 * Runs one allowed command for the `filesystem` handler's execute-command: spawned directly (no shell), in its own
 * process group so that a timeout, its exit or the actor's end kills everything it started, with an environment of
 * PATH and HOME only, no input, and a cap on each output stream. Its outcome is the WIT `command-result`: `success`
 * for any exit code, `error` when the command could not run, ran too long, wrote too much or was killed by a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter, isAbsolute } from 'node:path';
import type { HostInterfaces } from '@theater/kernel';
import { signalGroup } from '../process/processTable.js';

/** The WIT `command-result`, as jco maps it. */
export type CommandResult = Awaited<ReturnType<HostInterfaces['theater:simple/filesystem']['executeCommand']>>;

/** The most a command may write to stdout, and separately to stderr. */
const MAX_COMMAND_OUTPUT_BYTES = 1024 * 1024;

/** What to run, where and for how long. */
export interface CommandSpec {
  readonly command: string;
  readonly args: readonly string[];
  /** The working directory (a path the kernel resolves as the child starts). */
  readonly cwd: string;
  /** HOME for the command. */
  readonly home: string;
  readonly timeoutMs: number;
}

/** The host's PATH, absolute entries only: a relative one (`.`, or an empty entry) would find programs in the root. */
export function hostPath(): string {
  return (process.env['PATH'] ?? '/usr/bin:/bin')
    .split(delimiter)
    .filter((entry) => isAbsolute(entry))
    .join(delimiter);
}

/** Processes still running, so they can be killed when the actor ends. */
export type RunningCommands = Set<ChildProcess>;

/** Kills a command's whole process group; it may be gone already. */
export function killGroup(child: ChildProcess): void {
  signalGroup(child, 'SIGKILL');
}

/**
 * Starts `spec` before returning (so `cwd` need only be valid until this returns) and resolves with its outcome.
 * `running` holds the process while it runs.
 */
export function runCommand(spec: CommandSpec, running: RunningCommands): Promise<CommandResult> {
  const name = JSON.stringify(spec.command);
  const failure = (message: string): CommandResult => ({ tag: 'error', val: { message } });
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { PATH: hostPath(), HOME: spec.home },
      // No input: `cat` and the like see an end of input instead of waiting for the timeout.
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that whatever it starts is killed with it.
      detached: true,
      windowsHide: true,
    });
  } catch (error) {
    // Invalid arguments (a NUL byte) are refused before anything starts.
    return Promise.resolve(failure(`command ${name} could not be run: ${error instanceof Error ? error.message : String(error)}`));
  }
  running.add(child);
  return new Promise((resolve) => {
    let outcome: string | undefined;
    const output = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const sizes = { stdout: 0, stderr: 0 };
    // Kills the group and lets go of the pipes: a process that left the group (`setsid`) may hold them open, and
    // 'close' (which settles the call) waits for them, so without this the call would never end.
    const stop = (): void => {
      killGroup(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const collect =
      (stream: 'stdout' | 'stderr') =>
      (chunk: Buffer): void => {
        sizes[stream] += chunk.length;
        if (sizes[stream] > MAX_COMMAND_OUTPUT_BYTES) {
          outcome ??= `command ${name} wrote more than ${MAX_COMMAND_OUTPUT_BYTES} bytes to ${stream}`;
          stop();
        } else {
          output[stream].push(chunk);
        }
      };
    child.stdout?.on('data', collect('stdout'));
    child.stderr?.on('data', collect('stderr'));
    const timer = setTimeout(() => {
      outcome ??= `command ${name} ran longer than ${spec.timeoutMs} ms and was killed`;
      stop();
    }, spec.timeoutMs);
    // Processes the command left behind do not outlive it.
    child.on('exit', () => killGroup(child));
    const settle = (result: CommandResult): void => {
      clearTimeout(timer);
      running.delete(child);
      resolve(result);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill of a running child; 'close' follows
      settle(
        failure(
          error.code === 'ENOENT'
            ? `command ${name} could not be run: not found`
            : `command ${name} could not be run: ${error.code ?? error.message}`,
        ),
      );
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (child.pid === undefined) return; // never started: 'error' settled it
      if (outcome !== undefined) return settle(failure(outcome));
      if (code === null) return settle(failure(`command ${name} was killed by ${signal ?? 'a signal'}`));
      const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
      settle({ tag: 'success', val: { stdout: text(output.stdout), stderr: text(output.stderr), exitCode: code } });
    });
  });
}
