// @ts-check
/**
 * The sandbox: runs one actor's component in this worker thread, so guest code never runs on the kernel's event
 * loop. Host calls block this thread (Atomics.wait) while the kernel performs them, which keeps them synchronous
 * for the guest. The glue receives only the imports built here: no WASI, no Node APIs.
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { CONTROL, FROM_WORKER, REPORT, replyTo, SandboxProtocolError, TO_WORKER } from './workerProtocol.js';

// Imports are numbered in the iteration order of spec.imports, as protocol.ts's importTable numbers them.
/** One-way calls queued beyond this are sent at once, so a guest logging in a loop cannot build a huge batch. */
const MAX_OUTBOX = 256;

if (parentPort === null) throw new Error('sandboxWorker must run in a worker thread');
const port = parentPort;

/** @type {Record<string, any> | undefined} */
let instance;
/** @type {Uint8Array | undefined} */
let state;
/** @type {Int32Array} */
let control = new Int32Array(new SharedArrayBuffer(CONTROL.bytes));
/** @type {Float64Array} */
let startedAt = new Float64Array(control.buffer, CONTROL.startedAtByte, 1);
/** @type {import('node:worker_threads').MessagePort | undefined} */
let hostPort;
/** @type {WebAssembly.Memory[]} */
const memories = [];
let memoryLimit = Infinity;
let currentOp = -1;
/** @type {Set<string>} */
let oneWay = new Set();
/** Reports not yet sent: batching them keeps the cost of a message off each operation. */
/** @type {import('./protocol.js').WorkerReport[]} */
let outbox = [];
let lastFlush = 0;
let halted = false;
/** Number of the last blocking host call; the kernel's reply must carry it (see replyTo). */
let lastCall = 0;
/** How long finished results may wait in the outbox while later operations run. */
const FLUSH_INTERVAL_MS = 2;

/** Marks errors thrown by a host call so they are not mistaken for guest errors. */
class HostFailure extends Error {}

/** Key of the component instantiated ahead of time, if any. */
/** @type {string | undefined} */
let preparedKey;
/** Instantiation is asynchronous: later messages wait for it. */
let settled = Promise.resolve();

port.on('message', (/** @type {import('./protocol.js').ToWorker} */ message) => {
  if (message.kind === TO_WORKER.run) runAll(message.ops);
  else if (message.kind === TO_WORKER.prepare) settled = settled.then(() => prepareAhead(message));
  else if (message.kind === TO_WORKER.load) settled = settled.then(() => load(message));
});

/**
 * Runs a batch, then any batches that arrived meanwhile, before reporting: under load, results travel in few
 * messages instead of one each.
 * @param {readonly import('./protocol.js').OperationMessage[]} ops
 */
function runAll(ops) {
  if (halted) return;
  let next = ops;
  while (next !== undefined && run(next)) {
    const pending = receiveMessageOnPort(port);
    next = pending?.message.kind === TO_WORKER.run ? pending.message.ops : undefined;
  }
  if (halted) outbox.push([REPORT.halted]);
  flush();
}
port.postMessage({ kind: FROM_WORKER.ready });

/** @param {Extract<import('./protocol.js').ToWorker, { kind: 'prepare' }>} spec */
async function prepareAhead(spec) {
  try {
    await instantiate(spec);
    port.postMessage({ kind: FROM_WORKER.prepared, key: spec.key, ok: true });
  } catch {
    instance = undefined;
    preparedKey = undefined;
    port.postMessage({ kind: FROM_WORKER.prepared, key: spec.key, ok: false });
  }
}

/** @param {Extract<import('./protocol.js').ToWorker, { kind: 'load' }>} message */
async function load(message) {
  const started = performance.now();
  try {
    control = new Int32Array(message.control);
    startedAt = new Float64Array(message.control, CONTROL.startedAtByte, 1);
    state = message.state;
    const prepared = preparedKey === message.key && instance !== undefined;
    if (!prepared) {
      if (message.modules === undefined) throw new Error('the component was not instantiated ahead of time and no modules came');
      await instantiate({ ...message, modules: message.modules });
    }
    // Attached only now: a host call made while instantiating (a start function) fails instead of waiting.
    hostPort = message.hostPort;
    port.postMessage({ kind: FROM_WORKER.loaded, instantiateMs: performance.now() - started, prepared });
  } catch (error) {
    port.postMessage({ kind: FROM_WORKER.loadFailed, message: describe(error) });
  }
}

/**
 * Instantiates the component with imports that forward to the kernel. No guest export runs here; host calls made
 * before an actor is attached fail.
 * @param {import('./protocol.js').InstanceSpec} spec
 */
async function instantiate(spec) {
  instance = undefined;
  preparedKey = undefined;
  memories.length = 0;
  memoryLimit = spec.memoryLimitBytes;
  const fallible = new Set(spec.fallible);
  oneWay = new Set(spec.oneWay);
  /** @type {Record<string, Record<string, Function>>} */
  const imports = {};
  let index = 0;
  for (const [iface, functions] of Object.entries(spec.imports)) {
    imports[iface] = {};
    for (const [jsName, witName] of Object.entries(functions)) {
      const fn = index++;
      const returnsResult = fallible.has(`${iface}#${witName}`);
      const isOneWay = oneWay.has(`${iface}#${witName}`) ? 1 : 0;
      imports[iface][jsName] = (/** @type {unknown[]} */ ...args) => hostCall(fn, isOneWay, args, returnsResult);
    }
  }
  const glue = await import(pathToFileURL(spec.gluePath).href);
  instance = await glue.instantiate(
    (/** @type {string} */ file) => {
      const module = spec.modules[file];
      if (module === undefined) throw new Error(`no compiled core module ${file}`);
      return module;
    },
    imports,
    async (/** @type {WebAssembly.Module} */ module, /** @type {WebAssembly.Imports | undefined} */ moduleImports) => {
      const created = await WebAssembly.instantiate(module, moduleImports);
      for (const value of Object.values(created.exports)) {
        if (value instanceof WebAssembly.Memory) memories.push(value);
      }
      return created;
    },
  );
  preparedKey = spec.key;
}

/**
 * Runs operations in order; returns false once one has failed (the actor is then dead).
 * @param {readonly import('./protocol.js').OperationMessage[]} ops
 */
function run(ops) {
  for (const op of ops) {
    // The kernel is stopping this actor: what has not started never will.
    if (Atomics.load(control, CONTROL.halt) === 1) {
      halted = true;
      return false;
    }
    const opStarted = Date.now();
    if (outbox.length > 0 && opStarted - lastFlush >= FLUSH_INTERVAL_MS) flush();
    const [id, iface, name, params] = op;
    currentOp = id;
    startedAt[0] = opStarted;
    Atomics.store(control, CONTROL.runningOp, id);
    try {
      const target = instance?.[iface];
      const fn = target?.[name];
      if (typeof fn !== 'function') throw new TypeError(`the component has no export ${iface}#${name}`);
      const result = fn.call(target, state, params);
      state = result[0];
      outbox.push([REPORT.done, id, opStarted, state, result[1]]);
    } catch (error) {
      Atomics.store(control, CONTROL.runningOp, -1);
      outbox.push([REPORT.failed, id, opStarted, classify(error)]);
      return false; // the actor has failed: nothing after this operation runs
    }
  }
  Atomics.store(control, CONTROL.runningOp, -1);
  currentOp = -1;
  return true;
}

/**
 * Polls for a reply that was signalled but has not arrived yet, before sleeping between polls. The kernel posts the
 * reply before it signals, so the reply is almost always there at once (165 of 165 blocking calls measured over the
 * containment and store integration tests); an empty poll costs about 0.05 µs, so 200 of them wait ~10 µs before
 * the first sleep.
 */
const REPLY_SPINS = 200;
/**
 * Sleep between polls after that. A timed Atomics.wait of 0.02 ms sleeps about 0.09 ms (timer slack; measured on
 * Linux, Node 20), an order of magnitude below the 1 ms sleep this replaced, which cost every such host call about a
 * millisecond.
 */
const REPLY_SLEEP_MS = 0.02;
/**
 * A guest that traps while one of its memories is within this fraction of the cap most likely failed to allocate
 * (Rust's allocator aborts with `unreachable`, no message): a failed growth needed more than what was left, and 10%
 * of the cap covers allocations up to a tenth of it. The memory-bomb test actor fails at 98.5% of its 64 MiB cap.
 */
const NEAR_MEMORY_CAP = 0.9;

function flush() {
  if (outbox.length === 0) return;
  port.postMessage({ kind: FROM_WORKER.batch, items: outbox });
  outbox = [];
  lastFlush = Date.now();
}

/**
 * Performs a host call synchronously: post the request, sleep until the kernel signals, read the reply.
 * @param {number} fn @param {0 | 1} isOneWay @param {unknown[]} args @param {boolean} returnsResult
 */
function hostCall(fn, isOneWay, args, returnsResult) {
  if (hostPort === undefined) throw new HostFailure('host port not ready');
  if (isOneWay === 1) {
    outbox.push([REPORT.hostCall, currentOp, startedAt[0] ?? 0, fn, args, isOneWay, 0]);
    if (outbox.length >= MAX_OUTBOX) flush();
    return undefined;
  }
  const call = ++lastCall;
  outbox.push([REPORT.hostCall, currentOp, startedAt[0] ?? 0, fn, args, isOneWay, call]);
  Atomics.store(control, CONTROL.replyReady, 0);
  flush();
  Atomics.wait(control, CONTROL.replyReady, 0);
  // The kernel signals after posting the reply, but the message may reach this port a moment later: poll for it
  // briefly before sleeping in short steps (a 1 ms sleep here cost every blocking host call about a millisecond).
  let received = receiveMessageOnPort(hostPort);
  for (let spins = 0; received === undefined; spins++) {
    if (spins >= REPLY_SPINS) Atomics.wait(control, CONTROL.replyReady, 1, REPLY_SLEEP_MS);
    received = receiveMessageOnPort(hostPort);
  }
  // Throws SandboxProtocolError for another call's reply: the operation fails as `internal`, the guest gets nothing.
  const reply = replyTo(call, received.message);
  if (reply.ok) return reply.value;
  if (returnsResult && !reply.fatal) throw Object.assign(new Error(reply.error), { payload: reply.error });
  throw new HostFailure(reply.error);
}

/** @param {unknown} error @returns {import('./protocol.js').GuestFailure} */
function classify(error) {
  const message = describe(error);
  if (error instanceof SandboxProtocolError) return { kind: 'internal', message: `sandbox protocol error: ${error.message}` };
  const memoryFull = memories.some((memory) => memory.buffer.byteLength >= memoryLimit * NEAR_MEMORY_CAP);
  if (/out of memory|allocation failed|cannot allocate/i.test(message) || (memoryFull && !(error instanceof HostFailure))) {
    return { kind: 'out-of-memory', message };
  }
  if (error instanceof HostFailure) return { kind: 'internal', message: `host call failed: ${message}` };
  if (error instanceof WebAssembly.RuntimeError || error instanceof RangeError) return { kind: 'trap', message };
  if (error !== null && typeof error === 'object' && 'payload' in error) {
    return { kind: 'guest-error', message: String(/** @type {{ payload: unknown }} */ (error).payload) };
  }
  return { kind: 'trap', message };
}

/** @param {unknown} error */
function describe(error) {
  if (error instanceof Error) {
    const payload = /** @type {{ payload?: unknown }} */ (error).payload;
    return payload === undefined ? `${error.name}: ${error.message}` : String(payload);
  }
  return String(error);
}
