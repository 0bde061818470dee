/**
 * Raw baselines measured beside the kernel in the same run: a bare `instantiate` of a cached component, and a bare
 * loop of direct `handle-send` calls inside one worker, both with no kernel in between.
 */
import { Worker } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const NO_OP_RUNTIME = { log() {}, getState() {}, getChain: () => [], shutdown() {} };
/** The counter imports message-server-host (its world is derived from its manifest); the baselines never call it. */
const MESSAGE_SERVER_HOST = [
  'cancelRequest',
  'closeChannel',
  'listOutstandingRequests',
  'openChannel',
  'request',
  'respondToRequest',
  'send',
  'sendOnChannel',
];
const NO_OP_MESSAGE_SERVER_HOST = Object.fromEntries(MESSAGE_SERVER_HOST.map((name) => [name, () => {}]));

type Glue = {
  instantiate(
    get: (file: string) => WebAssembly.Module,
    imports: object,
  ): Promise<Record<string, Record<string, (...a: unknown[]) => unknown>>>;
};

/** The cached component's core modules, compiled. */
async function compileCoreModules(dir: string): Promise<Record<string, WebAssembly.Module>> {
  const { coreModules } = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { coreModules: string[] };
  const modules: Record<string, WebAssembly.Module> = {};
  for (const file of coreModules) modules[file] = await WebAssembly.compile(await readFile(join(dir, file)));
  return modules;
}

/** Milliseconds of each of `count` bare instantiations of the cached component in `dir` (modules precompiled). */
export async function bareInstantiate(dir: string, count: number): Promise<number[]> {
  const modules = await compileCoreModules(dir);
  const glue = (await import(pathToFileURL(join(dir, 'actor.js')).href)) as Glue;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await glue.instantiate((file) => modules[file]!, {
      'theater:simple/runtime': NO_OP_RUNTIME,
      'theater:simple/message-server-host': NO_OP_MESSAGE_SERVER_HOST,
    });
    times.push(performance.now() - started);
  }
  return times;
}

const LOOP_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { instantiate } = await import(workerData.glue);
  const modules = workerData.modules;
  const runtime = { log() {}, getState() {}, getChain: () => [], shutdown() {} };
  const host = Object.fromEntries(workerData.messageServerHost.map((name) => [name, () => {}]));
  const instance = await instantiate((file) => modules[file], { 'theater:simple/runtime': runtime, 'theater:simple/message-server-host': host });
  const actor = instance['theater:simple/actor'];
  const messages = instance['theater:simple/message-server-client'];
  let [state] = actor.init(undefined, ['bare']);
  const message = new TextEncoder().encode('x');
  for (let i = 0; i < workerData.warmup; i++) [state] = messages.handleSend(state, [message]);
  const results = [];
  for (let round = 0; round < workerData.rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < workerData.count; i++) [state] = messages.handleSend(state, [message]);
    results.push(workerData.count / ((performance.now() - started) / 1000));
  }
  parentPort.postMessage(results);
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

/** handle-send calls per second of a bare loop in one worker, one figure per round. */
export async function bareSendLoop(dir: string, options: { warmup: number; count: number; rounds: number }): Promise<number[]> {
  const modules = await compileCoreModules(dir);
  const worker = new Worker(LOOP_WORKER, {
    eval: true,
    env: {},
    workerData: { glue: pathToFileURL(join(dir, 'actor.js')).href, modules, messageServerHost: MESSAGE_SERVER_HOST, ...options },
  });
  try {
    const result = await new Promise<number[] | { error: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (!Array.isArray(result)) throw new Error(result.error);
    return result;
  } finally {
    await worker.terminate();
  }
}
