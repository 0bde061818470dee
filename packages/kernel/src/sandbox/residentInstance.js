// @ts-check
/**
 * One resident of a scheduler worker: an actor's component instance, its state, its memories and their cap. The
 * glue receives only the imports built here (each forwards to the worker's host-call path with this resident): no
 * WASI, no Node APIs. Instances of a component already instantiated in this worker reuse its imported glue module
 * and compiled code, so they start warm.
 */
import { pathToFileURL } from 'node:url';
import { CREDITED_SEND, SandboxProtocolError, SHUTDOWN } from './workerProtocol.js';

/**
 * A guest that traps while one of its memories is within this fraction of the cap most likely failed to allocate
 * (Rust's allocator aborts with `unreachable`, no message): a failed growth needed more than what was left, and 10%
 * of the cap covers allocations up to a tenth of it. The memory-bomb test actor fails at 98.5% of its 64 MiB cap.
 */
const NEAR_MEMORY_CAP = 0.9;

/** Marks errors thrown by a host call so they are not mistaken for guest errors. */
export class HostFailure extends Error {}

/**
 * @typedef {object} Resident
 * @property {number} slot The kernel's number for this resident (-1 while only prepared ahead of time).
 * @property {string} key
 * @property {Record<string, any> | undefined} instance
 * @property {Uint8Array | undefined} state
 * @property {WebAssembly.Memory[]} memories
 * @property {number} memoryLimit
 * @property {import('./protocol.js').OperationMessage[]} queue Operations handed over and not started, in order.
 * @property {number} currentOp Id of its operation on the stack, -1 when none is.
 * @property {number} startedAt When that operation started.
 * @property {boolean} busy True while its operation is on the stack (nothing else of it may run).
 * @property {boolean} ready True while it sits in the ready queue.
 * @property {boolean} halted The kernel is stopping it: nothing more starts.
 * @property {boolean} stopping It asked to stop (SHUTDOWN): nothing more starts after its running operation.
 * @property {boolean} ended It failed or was dropped: nothing more runs, and nothing more is reported.
 * @property {boolean} attached False until loaded for an actor: host calls made while instantiating fail.
 * @property {Map<string, number> | undefined} credits Send credit by target, for the running operation (residentCredit.js).
 */

/**
 * @typedef {(resident: Resident, fn: number, isOneWay: 0 | 1 | 2, args: unknown[], returnsResult: boolean) => unknown} HostCall
 */

/**
 * Instantiates `spec` as a new resident whose imports call `hostCall`.
 * @param {import('./protocol.js').InstanceSpec} spec
 * @param {HostCall} hostCall
 * @returns {Promise<Resident>}
 */
export async function instantiateResident(spec, hostCall) {
  /** @type {Resident} */
  const resident = {
    slot: -1,
    key: spec.key,
    instance: undefined,
    state: undefined,
    memories: [],
    memoryLimit: spec.memoryLimitBytes,
    queue: [],
    currentOp: -1,
    startedAt: 0,
    busy: false,
    ready: false,
    halted: false,
    stopping: false,
    ended: false,
    attached: false,
    credits: undefined,
  };
  const fallible = new Set(spec.fallible);
  const oneWay = new Set(spec.oneWay);
  // Imports are numbered in the iteration order of spec.imports, as protocol.ts's importTable numbers them.
  /** @type {Record<string, Record<string, Function>>} */
  const imports = {};
  let index = 0;
  for (const [iface, functions] of Object.entries(spec.imports)) {
    imports[iface] = {};
    for (const [jsName, witName] of Object.entries(functions)) {
      const fn = index++;
      const returnsResult = fallible.has(`${iface}#${witName}`);
      // 2: a send, answered from credit when the resident holds some for its target.
      const credited = iface === CREDITED_SEND.iface && witName === CREDITED_SEND.fn;
      const isOneWay = oneWay.has(`${iface}#${witName}`) ? 1 : credited ? 2 : 0;
      const stops = iface === SHUTDOWN.iface && witName === SHUTDOWN.fn;
      imports[iface][jsName] = (/** @type {unknown[]} */ ...args) => {
        if (stops) resident.stopping = true;
        return hostCall(resident, fn, isOneWay, args, returnsResult);
      };
    }
  }
  const glue = await import(pathToFileURL(spec.gluePath).href);
  // Core instances are made synchronously, so the glue's instantiate runs in one call (see withoutJspi).
  resident.instance = await withoutJspi(() =>
    glue.instantiate(
      (/** @type {string} */ file) => {
        const module = spec.modules[file];
        if (module === undefined) throw new Error(`no compiled core module ${file}`);
        return module;
      },
      imports,
      (/** @type {WebAssembly.Module} */ module, /** @type {WebAssembly.Imports | undefined} */ moduleImports) => {
        const created = new WebAssembly.Instance(module, moduleImports);
        for (const value of Object.values(created.exports)) {
          if (value instanceof WebAssembly.Memory) resident.memories.push(value);
        }
        return created;
      },
    ),
  );
  return resident;
}

/**
 * Runs `instantiate` (jco's glue) with a `WebAssembly.promising` that throws at once. The glue wraps each export in
 * `try { WebAssembly.promising(f) } catch { f }`; without JSPI (this Node) each try throws "not a function", and V8
 * builds that message by re-parsing the calling function: the glue's whole instantiate generator, every time. That
 * made a small component's instantiation ~8 ms instead of ~0.2 (a componentize-js one's 34 ms instead of 10). The
 * throwing function sends the glue down the same fallback at once; it is in place only during the synchronous call,
 * so nothing else in this worker sees it.
 * @template T @param {() => T} instantiate @returns {T}
 */
function withoutJspi(instantiate) {
  const wasm = /** @type {{ promising?: unknown }} */ (/** @type {unknown} */ (WebAssembly));
  if (wasm.promising !== undefined) return instantiate();
  wasm.promising = noJspi;
  try {
    return instantiate();
  } finally {
    delete wasm.promising;
  }
}

function noJspi() {
  throw new TypeError('WebAssembly.promising is not available');
}

/**
 * How an operation of `resident` failed.
 * @param {Resident} resident @param {unknown} error @returns {import('./protocol.js').GuestFailure}
 */
export function classify(resident, error) {
  const message = describe(error);
  if (error instanceof SandboxProtocolError) return { kind: 'internal', message: `sandbox protocol error: ${error.message}` };
  const memoryFull = resident.memories.some((memory) => memory.buffer.byteLength >= resident.memoryLimit * NEAR_MEMORY_CAP);
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
export function describe(error) {
  if (error instanceof Error) {
    const payload = /** @type {{ payload?: unknown }} */ (error).payload;
    return payload === undefined ? `${error.name}: ${error.message}` : String(payload);
  }
  return String(error);
}
