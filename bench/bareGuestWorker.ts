/**
 * The bare baselines' worker: the same guest calls the kernel makes, on jco's glue of the cached components, in one
 * thread with no kernel in between. Takes one `BareTask` from `workerData` and posts its figures (or `{ error }`).
 *
 * - `pair`: pinger's request (`r`) or send (`s`) loop to small, each call answered by a direct call of small's
 *   export and recorded as the kernel records it: three events built with `createEvent` (small's `wasm.call` and
 *   `wasm.result`, pinger's host call). Figures: µs per request, or sends per second, per round.
 * - `send-loop`: a component's handle-send in a loop (no recording, as the external-send row has always compared).
 *   Figures: calls per second per round.
 * - `cold-loop`: instantiate, init and `count` handle-sends of a fresh instance (a replay's guest work). Figure: ms.
 * - `instantiate`: `count` instantiations of the compiled component after one untimed. Figures: ms each.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { createEvent, type ChainEvent } from '@theater/event-chain';
import { hostCallEvent, wasmCallEvent, wasmResultEvent, type EncodedEvent } from '@theater/kernel';

/** One baseline measurement. */
export type BareTask =
  | {
      readonly kind: 'pair';
      readonly pingerDir: string;
      readonly smallDir: string;
      readonly op: 'r' | 's';
      readonly warmup: number;
      readonly count: number;
      readonly rounds: number;
    }
  | { readonly kind: 'send-loop'; readonly dir: string; readonly warmup: number; readonly count: number; readonly rounds: number }
  | { readonly kind: 'cold-loop'; readonly dir: string; readonly count: number }
  | { readonly kind: 'instantiate'; readonly dir: string; readonly count: number };

type State = Uint8Array | undefined;
type Exports = Record<string, Record<string, (...args: unknown[]) => unknown>>;
type Glue = {
  instantiate(
    get: (file: string) => WebAssembly.Module,
    imports: object,
    instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
  ): Exports | Promise<Exports>;
};

const CLIENT = 'theater:simple/message-server-client';
const HOST = 'theater:simple/message-server-host';
const NO_OP_RUNTIME = { log() {}, getState() {}, getChain: () => [], shutdown() {} };
const MESSAGE = new TextEncoder().encode('x');
/** message-server-host for guests whose loops never call it (componentize-js glue wants every function present). */
export const NO_OP_MESSAGE_SERVER_HOST = Object.fromEntries(
  ['cancelRequest', 'closeChannel', 'listOutstandingRequests', 'openChannel', 'request', 'respondToRequest', 'send', 'sendOnChannel'].map(
    (name) => [name, () => {}],
  ),
);

/** A cached component, compiled, ready to instantiate. */
async function load(dir: string): Promise<(imports: object) => Promise<Exports>> {
  const { coreModules } = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { coreModules: string[] };
  const modules: Record<string, WebAssembly.Module> = {};
  for (const file of coreModules) modules[file] = await WebAssembly.compile(await readFile(join(dir, file)));
  const glue = (await import(pathToFileURL(join(dir, 'actor.js')).href)) as Glue;
  // As the kernel's workers do (residentInstance.js, withoutJspi): core instances made synchronously, with a
  // WebAssembly.promising that throws at once, so jco's JSPI probe does not re-parse the glue on every export. The
  // baseline gets the same fix the kernel has, or spawn would be compared with an 8 ms handicap.
  return async (imports) => {
    const wasm = WebAssembly as unknown as { promising?: unknown };
    const probeRefused = wasm.promising === undefined;
    if (probeRefused) wasm.promising = noJspi;
    try {
      return await glue.instantiate(
        (file) => modules[file]!,
        imports,
        (module: WebAssembly.Module, moduleImports?: WebAssembly.Imports) => new WebAssembly.Instance(module, moduleImports),
      );
    } finally {
      if (probeRefused) delete wasm.promising;
    }
  };
}

function noJspi(): never {
  throw new TypeError('WebAssembly.promising is not available');
}

const record = (previous: ChainEvent | undefined, event: EncodedEvent): ChainEvent =>
  createEvent(previous, { type: event.type, data: event.data, time: Date.now() });

/** pinger's loop message: `<op><count u32 le><target id>`. */
export function loopMessage(op: 'r' | 's', count: number, target: string): Uint8Array {
  const id = new TextEncoder().encode(target);
  const message = new Uint8Array(5 + id.length);
  message[0] = op.charCodeAt(0);
  new DataView(message.buffer).setUint32(1, count, true);
  message.set(id, 5);
  return message;
}

async function pair(task: Extract<BareTask, { kind: 'pair' }>): Promise<number[]> {
  const smallInstance = await (await load(task.smallDir))({ 'theater:simple/runtime': NO_OP_RUNTIME });
  const small = smallInstance[CLIENT]!;
  let [smallState] = smallInstance['theater:simple/actor']!['init']!(undefined, ['small']) as [State];
  let smallChain: ChainEvent | undefined;
  let pingerChain: ChainEvent | undefined;
  const requestType = hostCallEvent.typeOf(HOST, 'request');
  const sendType = hostCallEvent.typeOf(HOST, 'send');
  const host = {
    request(target: string, message: Uint8Array): Uint8Array | undefined {
      const requestId = randomUUID();
      smallChain = record(
        smallChain,
        wasmCallEvent.encode({ interface: CLIENT, function: 'handle-request', params: [requestId, message] }),
      );
      const [state, [reply]] = small['handleRequest']!(smallState, [requestId, message]) as [State, [Uint8Array | undefined]];
      smallState = state;
      smallChain = record(
        smallChain,
        wasmResultEvent.encode({ interface: CLIENT, function: 'handle-request', state: state ?? null, output: [reply ?? null] }),
      );
      pingerChain = record(pingerChain, hostCallEvent.encode(requestType, { args: [target, message], result: reply ?? null }));
      return reply;
    },
    send(target: string, message: Uint8Array): void {
      smallChain = record(smallChain, wasmCallEvent.encode({ interface: CLIENT, function: 'handle-send', params: [message] }));
      [smallState] = small['handleSend']!(smallState, [message]) as [State];
      smallChain = record(
        smallChain,
        wasmResultEvent.encode({ interface: CLIENT, function: 'handle-send', state: smallState ?? null, output: null }),
      );
      pingerChain = record(pingerChain, hostCallEvent.encode(sendType, { args: [target, message], result: null }));
    },
  };
  const pingerInstance = await (await load(task.pingerDir))({ 'theater:simple/runtime': NO_OP_RUNTIME, [HOST]: host });
  const pinger = pingerInstance[CLIENT]!;
  let [pingerState] = pingerInstance['theater:simple/actor']!['init']!(undefined, ['pinger']) as [State];
  const run = (count: number): number => {
    const started = performance.now();
    [pingerState] = pinger['handleRequest']!(pingerState, ['bench', loopMessage(task.op, count, 'small')]) as [State];
    return performance.now() - started;
  };
  run(task.warmup);
  const figures: number[] = [];
  for (let round = 0; round < task.rounds; round++) {
    const ms = run(task.count);
    figures.push(task.op === 'r' ? (ms * 1000) / task.count : task.count / (ms / 1000));
  }
  return figures;
}

async function sendLoop(task: Extract<BareTask, { kind: 'send-loop' }>): Promise<number[]> {
  const instance = await (await load(task.dir))({ 'theater:simple/runtime': NO_OP_RUNTIME, [HOST]: NO_OP_MESSAGE_SERVER_HOST });
  const messages = instance[CLIENT]!;
  let [state] = instance['theater:simple/actor']!['init']!(undefined, ['bare']) as [State];
  for (let i = 0; i < task.warmup; i++) [state] = messages['handleSend']!(state, [MESSAGE]) as [State];
  const figures: number[] = [];
  for (let round = 0; round < task.rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < task.count; i++) [state] = messages['handleSend']!(state, [MESSAGE]) as [State];
    figures.push(task.count / ((performance.now() - started) / 1000));
  }
  return figures;
}

async function coldLoop(task: Extract<BareTask, { kind: 'cold-loop' }>): Promise<number[]> {
  const instantiate = await load(task.dir);
  const started = performance.now();
  const instance = await instantiate({ 'theater:simple/runtime': NO_OP_RUNTIME, [HOST]: NO_OP_MESSAGE_SERVER_HOST });
  const messages = instance[CLIENT]!;
  let [state] = instance['theater:simple/actor']!['init']!(undefined, ['bare']) as [State];
  for (let i = 0; i < task.count; i++) [state] = messages['handleSend']!(state, [MESSAGE]) as [State];
  return [performance.now() - started];
}

async function instantiations(task: Extract<BareTask, { kind: 'instantiate' }>): Promise<number[]> {
  const instantiate = await load(task.dir);
  const imports = { 'theater:simple/runtime': NO_OP_RUNTIME, [HOST]: NO_OP_MESSAGE_SERVER_HOST };
  await instantiate(imports);
  const times: number[] = [];
  for (let i = 0; i < task.count; i++) {
    const started = performance.now();
    await instantiate(imports);
    times.push(performance.now() - started);
  }
  return times;
}

const TASKS: { readonly [K in BareTask['kind']]: (task: Extract<BareTask, { kind: K }>) => Promise<number[]> } = {
  pair,
  'send-loop': sendLoop,
  'cold-loop': coldLoop,
  instantiate: instantiations,
};

if (parentPort !== null && workerData !== null && typeof workerData === 'object' && 'kind' in workerData) {
  const task = workerData as BareTask;
  (TASKS[task.kind] as (task: BareTask) => Promise<number[]>)(task).then(
    (figures) => parentPort!.postMessage(figures),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}
