/**
 * spawner (world spawner-actor, see capability-wit/): starts OS processes from text requests and keeps, in its state,
 * everything `process-handlers` delivers. Replies say what the host returned (`error:<message>` for an `err`):
 *
 * - `spawn <mode> <program> <args...>`: stdout and stderr in `<mode>` (raw, line-by-line, json, chunked with 4-byte
 *   chunks); reply: the process id.
 * - `spawnin <cwd> <program> <args...>`: raw output, in `<cwd>`; reply: the process id.
 * - `config <json>`: any process-config, as JSON (`program`, `args`, `cwd`, `env` as pairs, `bufferSize`,
 *   `stdoutMode`, `stderrMode`, `chunkSize`; defaults: none, raw, 0); reply: the process id.
 * - `stdin <pid> <text>`: writes the text (everything after the pid); reply: the bytes written. `close <pid>` writes
 *   nothing, which closes stdin.
 * - `status <pid>`: the process-status as JSON. `signal <pid> <n>`, `kill <pid>`: reply `ok`.
 * - `output`: what was delivered, as JSON: `{"pid","stdout"}`, `{"pid","stderr"}` (as text) and `{"pid","exit"}`.
 */
import type * as Actor from 'theater:simple/actor';
import type * as ProcessHandlers from 'theater:simple/process-handlers';
import { osKill, osSignal, osSpawn, osStatus, osWriteStdin, type OutputMode, type ProcessConfig } from 'theater:simple/process';
import { decodeJson, decodeText, encodeJson, encodeText } from '@theater/sdk/guest';
import { attempt } from './shared/attempt.js';
import { statefulCommandServer } from './shared/commandActor.js';

type Delivery = { pid: number; stdout: string } | { pid: number; stderr: string } | { pid: number; exit: number };

interface SpawnerState {
  output: Delivery[];
}

const EMPTY: SpawnerState = { output: [] };

function recorded(state: Uint8Array | undefined, delivery: Delivery): Uint8Array {
  const { output } = decodeJson(state, EMPTY);
  return encodeJson({ output: [...output, delivery] } satisfies SpawnerState);
}

function config(program: string, args: string[], changes: Partial<ProcessConfig> = {}): ProcessConfig {
  return { program, args, env: [], bufferSize: 0, stdoutMode: 'raw', stderrMode: 'raw', ...changes };
}

interface ConfigJson {
  program: string;
  args?: string[];
  cwd?: string;
  env?: [string, string][];
  bufferSize?: number;
  stdoutMode?: OutputMode;
  stderrMode?: OutputMode;
  chunkSize?: number;
}

function fromJson(json: string): ProcessConfig {
  const {
    program,
    args = [],
    cwd,
    env = [],
    bufferSize = 0,
    stdoutMode = 'raw',
    stderrMode = 'raw',
    chunkSize,
  } = JSON.parse(json) as ConfigJson;
  return {
    program,
    args,
    env,
    bufferSize,
    stdoutMode,
    stderrMode,
    ...(cwd === undefined ? {} : { cwd }),
    ...(chunkSize === undefined ? {} : { chunkSize }),
  };
}

function command(text: string): string {
  const space = text.indexOf(' ');
  const verb = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? '' : text.slice(space + 1);
  const [first = '', ...others] = rest.split(' ');
  const [second = '', ...tail] = others;
  switch (verb) {
    case 'spawn': {
      const mode = first as OutputMode;
      return attempt(() =>
        String(osSpawn(config(second, tail, { stdoutMode: mode, stderrMode: mode, ...(mode === 'chunked' ? { chunkSize: 4 } : {}) }))),
      );
    }
    case 'spawnin':
      return attempt(() => String(osSpawn(config(second, tail, { cwd: first }))));
    case 'config':
      return attempt(() => String(osSpawn(fromJson(rest))));
    case 'stdin':
      return attempt(() => String(osWriteStdin(BigInt(first), encodeText(rest.slice(first.length + 1)))));
    case 'close':
      return attempt(() => String(osWriteStdin(BigInt(first), new Uint8Array(0))));
    case 'status':
      return attempt(() => {
        const status = osStatus(BigInt(first));
        return JSON.stringify({
          pid: Number(status.pid),
          running: status.running,
          exitCode: status.exitCode ?? null,
          startTime: Number(status.startTime),
        });
      });
    case 'signal':
      return attempt(() => (osSignal(BigInt(first), Number(second)), 'ok'));
    case 'kill':
      return attempt(() => (osKill(BigInt(first)), 'ok'));
    default:
      return `unknown command ${verb}`;
  }
}

export const actor: typeof Actor = {
  init(state) {
    return [state ?? encodeJson(EMPTY)];
  },
};

export const messageServerClient = statefulCommandServer((state, text) => [
  state,
  text === 'output' ? JSON.stringify(decodeJson(state, EMPTY).output) : command(text),
]);

export const processHandlers: typeof ProcessHandlers = {
  handleStdout(state, [pid, data]) {
    return [recorded(state, { pid: Number(pid), stdout: decodeText(data) })];
  },
  handleStderr(state, [pid, data]) {
    return [recorded(state, { pid: Number(pid), stderr: decodeText(data) })];
  },
  handleExit(state, [pid, code]) {
    return [recorded(state, { pid: Number(pid), exit: code })];
  },
};
