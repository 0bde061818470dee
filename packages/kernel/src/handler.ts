/**
 * The contract between the kernel and host handlers: a handler provides WIT interfaces to an actor, may require
 * exports from it, and is created once per actor with a context that exposes only that actor.
 */
import type { ChainEvent, ReadRange } from '@theater/event-chain';
import type { z } from 'zod';
import type { ImportObject } from './generated/host/world.js';
import type { WitInterface } from './generated/witInterfaces.js';
import type { Clock } from './clock.js';
import type { ActorMessaging } from './messaging/actorMessaging.js';
import type { ActorSupervision } from './supervision/actorSupervision.js';
import type { HandlerConfig, Manifest } from './manifest/index.js';
import type { TheaterHome } from './theaterHome.js';

/** An actor's state: opaque bytes, `undefined` before the first commit. */
export type ActorState = Uint8Array | undefined;

/** What a handler may see and do of the one actor it serves. */
export interface HandlerContext<C extends HandlerConfig = HandlerConfig> {
  readonly actorId: string;
  readonly manifest: Manifest;
  /** This handler's entry of the manifest. */
  readonly config: C;
  /** The last committed state. */
  state(): ActorState;
  /** The actor's events in `range` (default all), oldest first. */
  events(range?: ReadRange): Promise<ChainEvent[]>;
  /** Emits a log line from the actor (as an inspection event). */
  log(message: string): void;
  /** Stops the actor once the current operation has committed, reporting `data` as its result. */
  shutdown(data: ActorState): void;
  /** The system's wall time, in ms since the epoch (`clock.now()`). */
  now(): number;
  /** The system's clock: wall and monotonic time, and the timers sleeps wait on (a TestClock in tests). */
  readonly clock: Clock;
  /** Messaging as this actor (sends, requests, deferred replies, channels). */
  readonly messaging: ActorMessaging;
  /** This actor's children: spawning and managing them, for a handler that grants it. */
  readonly supervision: ActorSupervision;
  /**
   * Queues a call of one of this actor's exports (`theater:simple/http-handlers`, `handle-request`) as an operation
   * in its mailbox, recorded like any other, and resolves with its output once committed. A refusal (the actor is
   * not running, lacks the export, or its mailbox is full) rejects with a KernelError.
   */
  call(iface: string, fn: string, params: readonly unknown[]): Promise<unknown>;
  /**
   * Runs `cleanup` once the actor has ended (stopped or failed): kill its processes, close its servers. The system's
   * `close()` waits for it. A cleanup's failure is reported as an inspection log line, never thrown.
   */
  onExit(cleanup: () => void | Promise<void>): void;
  /** A resource shared by every actor of this system (a database), opened on first use and closed with the system. */
  resource<T>(key: string, open: SystemResource<T>): Promise<T>;
}

/** How to open a system-wide resource, and how to close it when the system closes. */
export interface SystemResource<T> {
  open(home: TheaterHome): Promise<T>;
  close(value: T): Promise<void>;
}

/** What a handler may check before an actor it is granted to starts. */
export interface AdmitContext<C extends HandlerConfig = HandlerConfig> {
  /** The id the actor will have. */
  readonly actorId: string;
  readonly manifest: Manifest;
  readonly config: C;
  /**
   * Names a field of this grant, with its manifest line when known, for refusals: `field('stores', 0)` is
   * `handler[2].stores[0] (line 9)`; `field()` is the grant itself.
   */
  field(...path: (string | number)[]): string;
  /** The actor's supervising actor, when it has one: its id, manifest and grant of this handler's type, if any. */
  readonly parent: { readonly actorId: string; readonly manifest: Manifest; readonly config: C | undefined } | undefined;
  resource<T>(key: string, open: SystemResource<T>): Promise<T>;
}

/**
 * A host function. Arguments and return values use jco's JavaScript mapping of the WIT types. For a function
 * returning `result<T, string>`, return `T` (or a promise of it) for ok and throw a `HostCallError` for err.
 */
export type HostFunction = (...args: never[]) => unknown;

/** Host functions by interface (`theater:simple/runtime`) and JS function name (`getState`), as jco names them. */
export type HostImplementation = Readonly<Record<string, Readonly<Record<string, HostFunction>>>>;

/**
 * The host side of every theater:simple interface, typed from the WIT by jco; a host function may also return a
 * promise of its result. Handlers implement a `Pick` of this.
 */
export type HostInterfaces = {
  readonly [I in keyof ImportObject]: {
    readonly [F in keyof ImportObject[I]]: ImportObject[I][F] extends (...args: infer A) => infer R
      ? (...args: A) => R | Promise<R>
      : never;
  };
};

/**
 * A kind of handler, as named by `[[handler]] type = …` in manifests: everything about one capability, so that the
 * kernel, which knows no handler by name, validates its grants, checks components against it, admits and compares
 * its grants, and builds worlds from it. Register definitions with a `HandlerRegistry` (or `createActorSystem`).
 */
export interface HandlerDefinition<C extends HandlerConfig = HandlerConfig> {
  /** The `type` of its `[[handler]]` tables, unique in a registry. */
  readonly type: string;
  /** One line for the manifest reference and JSON Schema: what the grant gives, and its interface. */
  readonly description: string;
  /**
   * The schema of its whole `[[handler]]` table as written (options flat beside `type`, in snake_case, with defaults
   * and `.describe()` docs), producing its camelCase config, `type` included. Build it from the schema helpers
   * (`table`, `handlerType`, `stringList`, `integer`, …) so its problems read like the kernel's.
   */
  readonly config: z.ZodType<C, unknown>;
  /** The interfaces this handler provides to actors. */
  readonly provides: readonly string[];
  /** Exports an actor must have when granted this handler: interface to function names. */
  readonly requiredExports: Readonly<Record<string, readonly string[]>>;
  /** Interfaces this handler calls only when the actor exports them (e.g. `supervisor-handlers`). */
  readonly optionalExports?: readonly string[];
  /**
   * The interfaces this handler brings that are not part of theater:simple (another package's, such as
   * `example:bells/bell`), described as the kernel's table describes its own (`WIT_INTERFACES`): functions (WIT name
   * to jco's JS name), those returning a `result`, and jco's TypeScript declaration of each. A component is checked
   * against these declarations exactly as against theater:simple's.
   */
  readonly interfaces?: Readonly<Record<string, WitInterface>>;
  /**
   * Checks, before the actor starts, what its grant names outside the manifest (a store it is handed exists and its
   * parent may see it; a root directory exists). Throws a KernelError (`permission-denied`, `invalid-grant`) naming
   * the problem; nothing has started then.
   */
  admit?(context: AdmitContext<C>): Promise<void>;
  /**
   * Why `wanted`, a child's grant of this handler, is wider than `held`, one of its parent's, or undefined when it is
   * not (each path resolved against its own manifest's directory). A child spawned by a supervisor starts only if each
   * of its grants is held by one of its parent's. Without `excess`, any grant of this type holds any other.
   */
  excess?(wanted: C, held: C, manifests: { readonly child: Manifest; readonly parent: Manifest }): string | undefined;
  /** Creates this handler's host functions for one actor. */
  create(context: HandlerContext<C>): HostImplementation;
}

/**
 * Returns `definition` as it is: lets TypeScript infer the config type from its schema and check every field against it.
 * @example
 * export const clockHandler = defineHandler({
 *   type: 'frozen-clock',
 *   description: 'A clock that never moves (theater:simple/timing).',
 *   config: table({ type: handlerType('frozen-clock'), at_ms: integer('non-negative') })
 *     .transform((v) => ({ type: 'frozen-clock' as const, atMs: v.at_ms })),
 *   provides: ['theater:simple/timing'],
 *   requiredExports: {},
 *   create: (context) => ({ 'theater:simple/timing': { now: () => BigInt(context.config.atMs), sleep: async () => {}, deadline: async () => {} } }),
 * });
 */
export function defineHandler<C extends HandlerConfig>(definition: HandlerDefinition<C>): HandlerDefinition<C> {
  return definition;
}

/** Thrown by a host function to return `err(message)` to the guest. */
export class HostCallError extends Error {
  override readonly name = 'HostCallError';
}
