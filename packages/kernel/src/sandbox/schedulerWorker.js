// @ts-check
/**
 * A scheduler worker: runs the components of one or many actors (its residents, see residentInstance.js) in this
 * worker thread, so guest code never runs on the kernel's event loop. It runs one operation at a time, each
 * resident's in the order they were handed over, taking residents in turn. Host calls block this thread
 * (Atomics.wait) while the kernel performs them, which keeps them synchronous for the guest; while blocked, the
 * worker runs operations that arrive for OTHER residents above the blocked one (so a request between co-residents
 * is served), never one of a resident already on the stack, and no deeper than CONTROL.maxDepth. The trade-off: a
 * resident whose reply has arrived resumes only once the work nested above it has ended (head-of-line blocking).
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { dropCredit, earnCredit, spendCredit } from './residentCredit.js';
import { classify, describe, HostFailure, instantiateResident } from './residentInstance.js';
import { answerCell, CONTROL, FROM_WORKER, frameSlot, frameStart, INBOX, REPORT, replyTo, TO_WORKER } from './workerProtocol.js';

/** One-way calls queued beyond this are sent at once, so a guest logging in a loop cannot build a huge batch. */
const MAX_OUTBOX = 256;
/** How long finished results may wait in the outbox while later operations run. */
const FLUSH_INTERVAL_MS = 2;
/**
 * Polls for an inbox message that was signalled but has not arrived yet, before sleeping between polls. The kernel
 * posts before it signals, so the message is almost always there at once; an empty poll costs about 0.05 µs, so 200
 * of them wait ~10 µs before the first sleep.
 */
const REPLY_SPINS = 200;
/** Sleep between polls after that: a timed Atomics.wait of 0.02 ms sleeps about 0.09 ms (timer slack). */
const REPLY_SLEEP_MS = 0.02;

if (parentPort === null) throw new Error('schedulerWorker must run in a worker thread');
const port = parentPort;

// The first use of `performance` loads perf_hooks (0.6-0.8 ms): paid here, at start, not by the first spawn.
performance.now();

/** @typedef {import('./residentInstance.js').Resident} Resident */

let control = new Int32Array(new SharedArrayBuffer(CONTROL.bytes));
let starts = new Float64Array(control.buffer);
/** @type {import('node:worker_threads').MessagePort | undefined} */
let inbox;
/** Inbox messages consumed, wrapping like the Int32 signal the kernel counts them in. */
let received = 0;
/** @type {Map<number, Resident>} */
const residents = new Map();
/**
 * Components instantiated ahead of time, by key, oldest first: the next load of a key adopts its spare, so it only
 * attaches. A pool worker keeps one; a shared worker a few (see placement.ts), so later instances start warm.
 */
/** @type {Map<string, Resident>} */
const spares = new Map();
/** What instantiating each component needs, by key: a later load of a component this worker has seen names its key only. */
/** @type {Map<string, import('./protocol.js').InstanceSpec>} */
const specs = new Map();
/** Residents with operations to run, in turn. */
/** @type {Resident[]} */
const ready = [];
/** @type {import('./protocol.js').WorkerReport[]} */
let outbox = [];
/** The slot each report of the outbox belongs to. */
/** @type {number[]} */
let outSlots = [];
let lastFlush = 0;
let depth = 0;
/** Number of the last blocking host call; the kernel's reply must carry it (see replyTo). */
let lastCall = 0;
/** Blocking calls on the stack (with the resident waiting in each), and replies that came for one of them while another, nested above, waited. */
/** @type {Map<number, Resident>} */
const outstanding = new Map();
/** @type {Map<number, import('./protocol.js').HostReplyMessage>} */
const stash = new Map();
/** Calls of residents dropped while they waited: a reply the kernel had already sent for one is ignored. */
const abandoned = new Set();
/** A reply naming no outstanding call: the innermost waiting call fails on it. */
/** @type {unknown} */
let stray;
/**
 * Inbox messages for residents still loading: the kernel hands a new actor its `init` with its load, in one round
 * trip, and the operations wait here until the resident is there (a halt or drop marks them void).
 */
/** @typedef {{ ops: import('./protocol.js').OperationMessage[]; halted: boolean; dropped: boolean }} Early */
/** @type {Map<number, Early>} */
const early = new Map();
/**
 * The highest slot a load was received for. The kernel numbers slots upwards, and inbox and parent port do not keep
 * order between them: a message for a higher slot is for a load still on its way, one for a lower slot that is
 * neither loading nor resident is for a resident that has ended.
 */
let highestSlot = -1;

/** The early messages of a slot still loading (or whose load is on its way), else undefined. */
function earlyFor(/** @type {number} */ slot) {
  let waiting = early.get(slot);
  if (waiting === undefined && slot > highestSlot) {
    waiting = { ops: [], halted: false, dropped: false };
    early.set(slot, waiting);
  }
  return waiting;
}
/** Instantiation is asynchronous: later messages on the parent port wait for it. */
let settled = Promise.resolve();

port.on('message', (/** @type {import('./protocol.js').ToWorker} */ message) => {
  if (message.kind === TO_WORKER.bind) bind(message);
  else if (message.kind === TO_WORKER.prepare) settled = settled.then(() => prepareAhead(message));
  else if (message.kind === TO_WORKER.load) {
    earlyFor(message.slot);
    highestSlot = Math.max(highestSlot, message.slot);
    settled = settled.then(() => load(message));
  }
});
port.postMessage({ kind: FROM_WORKER.ready });

/** @param {Extract<import('./protocol.js').ToWorker, { kind: 'bind' }>} message */
function bind(message) {
  control = new Int32Array(message.control);
  starts = new Float64Array(message.control);
  inbox = message.inbox;
  inbox.on('message', (/** @type {import('./protocol.js').InboxMessage} */ m) => {
    receive(m);
    pump();
  });
}

/**
 * Instantiates the component a load or prepare message names.
 * @param {{ key: string; spec: import('./protocol.js').InstanceSpec | undefined }} message
 */
function instantiate(message) {
  const spec = message.spec ?? specs.get(message.key);
  if (spec === undefined) throw new Error('no spec came for a component this worker has not seen');
  specs.set(spec.key, spec);
  return instantiateResident(spec, hostCall);
}

/** @param {Extract<import('./protocol.js').ToWorker, { kind: 'prepare' }>} message */
async function prepareAhead(message) {
  // Room for this one: the oldest spares go first (the kernel mirrors this order, see schedulerThread.ts).
  spares.delete(message.key);
  const keep = message.keep ?? 1;
  for (const key of spares.keys()) {
    if (spares.size < keep) break;
    spares.delete(key);
  }
  try {
    spares.set(message.key, await instantiate(message));
    port.postMessage({ kind: FROM_WORKER.prepared, key: message.key, ok: true });
  } catch {
    port.postMessage({ kind: FROM_WORKER.prepared, key: message.key, ok: false });
  }
}

/** @param {Extract<import('./protocol.js').ToWorker, { kind: 'load' }>} message */
async function load(message) {
  const started = performance.now();
  const waiting = early.get(message.slot) ?? { ops: [], halted: false, dropped: false };
  try {
    const adopt = spares.get(message.key);
    let resident;
    if (adopt !== undefined) {
      spares.delete(message.key);
      resident = adopt;
    } else {
      resident = await instantiate(message);
    }
    resident.slot = message.slot;
    resident.state = message.state;
    // Attached only now: a host call made while instantiating (a start function) fails instead of waiting.
    resident.attached = true;
    port.postMessage({
      kind: FROM_WORKER.loaded,
      slot: message.slot,
      instantiateMs: performance.now() - started,
      prepared: adopt !== undefined,
    });
    early.delete(message.slot);
    if (waiting.dropped) return;
    residents.set(message.slot, resident);
    if (waiting.ops.length > 0) receive([INBOX.run, message.slot, waiting.ops], false);
    if (waiting.halted) receive([INBOX.halt, message.slot], false);
    pump();
  } catch (error) {
    early.delete(message.slot);
    port.postMessage({ kind: FROM_WORKER.loadFailed, slot: message.slot, message: describe(error) });
  }
}

/**
 * Takes one inbox message (`counted` false for one kept back while its resident loaded).
 * @param {import('./protocol.js').InboxMessage} message
 */
function receive(message, counted = true) {
  if (counted) received = (received + 1) | 0;
  if (message[0] !== INBOX.reply) {
    const waiting = earlyFor(message[1]);
    if (waiting !== undefined) {
      if (message[0] === INBOX.run) waiting.ops.push(...message[2]);
      else if (message[0] === INBOX.halt) waiting.halted = true;
      else waiting.dropped = true;
      return;
    }
  }
  switch (message[0]) {
    case INBOX.run: {
      const resident = residents.get(message[1]);
      if (resident === undefined || resident.ended || resident.halted || resident.stopping) return;
      for (const op of message[2]) resident.queue.push(op);
      if (!resident.ready) {
        resident.ready = true;
        ready.push(resident);
      }
      return;
    }
    case INBOX.reply: {
      const reply = message[1];
      if (outstanding.has(reply.call)) stash.set(reply.call, reply);
      else if (!abandoned.delete(reply.call)) stray = reply;
      return;
    }
    case INBOX.halt: {
      const resident = residents.get(message[1]);
      if (resident === undefined || resident.ended) return;
      resident.halted = true;
      resident.queue.length = 0;
      if (!resident.busy) end(resident, true);
      return;
    }
    case INBOX.drop: {
      const resident = residents.get(message[1]);
      if (resident === undefined) return;
      residents.delete(message[1]);
      resident.ended = true;
      resident.queue.length = 0;
      // One on the stack is freed as it unwinds: its blocked host call fails (see awaitReply).
      if (!resident.busy) free(resident);
      return;
    }
  }
}

/** Takes what the inbox holds; false when a message was signalled but has not arrived yet. */
function drain() {
  if (inbox === undefined) return true;
  while (Atomics.load(control, CONTROL.signal) !== received) {
    const next = receiveMessageOnPort(inbox);
    if (next === undefined) return false;
    receive(next.message);
  }
  return true;
}

/** The next resident whose turn it is and that may run (not on the stack), taken out of the ready queue. */
function takeReady() {
  for (let i = 0; i < ready.length; i++) {
    const resident = /** @type {Resident} */ (ready[i]);
    if (resident.busy) continue;
    ready.splice(i, 1);
    resident.ready = false;
    if (resident.ended || resident.halted || resident.stopping || resident.queue.length === 0) return takeReady();
    return resident;
  }
  return undefined;
}

/** Runs what is ready, taking residents in turn, then reports. */
function pump() {
  if (depth > 0) return;
  for (let resident = takeReady(); resident !== undefined; resident = takeReady()) {
    runOne(resident);
    if (outbox.length > 0 && Date.now() - lastFlush >= FLUSH_INTERVAL_MS) flush();
    drain();
  }
  flush();
}

/**
 * Runs the next operation of `resident` on top of the stack.
 * @param {Resident} resident
 */
function runOne(resident) {
  const op = /** @type {import('./protocol.js').OperationMessage} */ (resident.queue.shift());
  if (resident.queue.length > 0) {
    resident.ready = true;
    ready.push(resident);
  }
  const [id, iface, name, params, cell, call] = op;
  const opStarted = Date.now();
  const frame = depth;
  control[frameSlot(frame)] = resident.slot;
  control[frameSlot(frame) + 1] = id;
  starts[frameStart(frame)] = opStarted;
  depth++;
  Atomics.store(control, CONTROL.depth, depth);
  resident.busy = true;
  resident.currentOp = id;
  resident.startedAt = opStarted;
  try {
    const target = resident.instance?.[iface];
    const fn = target?.[name];
    if (typeof fn !== 'function') throw new TypeError(`the component has no export ${iface}#${name}`);
    const result = fn.call(target, resident.state, params);
    resident.state = result[0];
    if (!resident.ended) {
      report(resident, [REPORT.done, id, opStarted, resident.state, result[1]]);
      if (cell !== undefined && call !== undefined) answerDirectly(cell, call, result[1]);
    }
  } catch (error) {
    // The resident has failed: nothing of it runs after this operation; the worker and its other residents live on.
    if (!resident.ended) report(resident, [REPORT.failed, id, opStarted, classify(resident, error)]);
    resident.ended = true;
  } finally {
    depth--;
    Atomics.store(control, CONTROL.depth, depth);
    resident.busy = false;
    resident.currentOp = -1;
    dropCredit(resident);
    if (resident.stopping) resident.queue.length = 0;
  }
  if (resident.halted && !resident.ended) end(resident, true);
  else if (resident.ended) free(resident);
}

/**
 * An operation offered answer cell `cell` for blocking call `call` (see directAnswer.ts) returned `output`: when it
 * holds a reply and the call still waits, the requester gets the reply now, unless the kernel claimed the cell
 * first. Only `call` is compared: a cell freed and offered again holds another call's number. The answer is
 * reported after the operation's result, in the requester's reports: the kernel records it there.
 * @param {number} cell @param {number} call @param {unknown} output
 */
function answerDirectly(cell, call, output) {
  const requester = outstanding.get(call);
  const reply = Array.isArray(output) ? output[0] : undefined;
  if (requester === undefined || requester.ended || !(reply instanceof Uint8Array)) return;
  if (Atomics.compareExchange(control, answerCell(cell), call, -call) !== call) return;
  stash.set(call, { ok: true, value: reply, call });
  // Sent with the requester's next blocking call or at the end of its operation: nobody needs it sooner.
  report(requester, [REPORT.answered, call, cell, reply]);
}

/**
 * A resident runs nothing more: reports `halted` if asked to stop, then lets go of its instance.
 * @param {Resident} resident @param {boolean} halted
 */
function end(resident, halted) {
  if (halted) report(resident, [REPORT.halted]);
  resident.ended = true;
  free(resident);
}

/** @param {Resident} resident */
function free(resident) {
  resident.instance = undefined;
  resident.memories = [];
  resident.queue.length = 0;
  if (residents.get(resident.slot) === resident && resident.ended) residents.delete(resident.slot);
}

/**
 * @param {Resident} resident @param {import('./protocol.js').WorkerReport} item
 */
function report(resident, item) {
  outbox.push(item);
  outSlots.push(resident.slot);
}

function flush() {
  if (outbox.length === 0) return;
  port.postMessage({ kind: FROM_WORKER.batch, items: outbox, slots: outSlots });
  outbox = [];
  outSlots = [];
  lastFlush = Date.now();
}

/**
 * Performs a host call for `resident` synchronously: report it, then wait for the kernel's reply, running other
 * residents' operations meanwhile.
 * @type {import('./residentInstance.js').HostCall}
 */
function hostCall(resident, fn, isOneWay, args, returnsResult) {
  if (!resident.attached || inbox === undefined) throw new HostFailure('host port not ready');
  if (resident.ended) throw new HostFailure('the actor was removed from this worker');
  if (isOneWay === 1 || (isOneWay === 2 && spendCredit(resident, args[0]))) {
    report(resident, [REPORT.hostCall, resident.currentOp, resident.startedAt, fn, args, 1, 0]);
    if (outbox.length >= MAX_OUTBOX) flush();
    return undefined;
  }
  const call = ++lastCall;
  report(resident, [REPORT.hostCall, resident.currentOp, resident.startedAt, fn, args, 0, call]);
  flush();
  outstanding.set(call, resident);
  let reply;
  try {
    reply = awaitReply(resident, call);
  } finally {
    outstanding.delete(call);
    stash.delete(call);
  }
  if (reply.ok) {
    if (isOneWay === 2) earnCredit(resident, args[0], reply.credit);
    return reply.value;
  }
  if (returnsResult && !reply.fatal) throw Object.assign(new Error(reply.error), { payload: reply.error });
  throw new HostFailure(reply.error);
}

/**
 * Waits for the reply to blocking call number `call` of `resident`, running other residents' operations while it
 * waits. Throws SandboxProtocolError for a reply that names no waiting call: the operation fails as `internal`.
 * @param {Resident} resident @param {number} call @returns {import('./protocol.js').HostReplyMessage}
 */
function awaitReply(resident, call) {
  let spins = 0;
  for (;;) {
    const complete = drain();
    const reply = stash.get(call);
    if (reply !== undefined) return reply;
    if (stray !== undefined) {
      const message = stray;
      stray = undefined;
      return replyTo(call, message);
    }
    if (resident.ended) {
      abandoned.add(call);
      throw new HostFailure('the actor was removed from this worker');
    }
    if (depth < CONTROL.maxDepth) {
      const next = takeReady();
      if (next !== undefined) {
        runOne(next);
        continue;
      }
    }
    flush();
    if (complete) {
      spins = 0;
      Atomics.wait(control, CONTROL.signal, received);
    } else if (++spins > REPLY_SPINS) {
      // Signalled, not arrived: the message is a moment behind its signal.
      Atomics.wait(control, CONTROL.signal, Atomics.load(control, CONTROL.signal), REPLY_SLEEP_MS);
    }
  }
}
