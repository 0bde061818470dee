/**
 * What a handler brings to the conformance suite: the definition under test, the actor that exercises it, the script
 * that drives that actor, and the cases that must fail (invalid configs, wider grants, a refused call). Handlers with
 * nothing to refuse or no options say why instead, and the suite records that.
 */
import type { Actor, ActorSystem, HandlerConfig, HandlerDefinition, Manifest } from '@theater/kernel';

/** One actor run of the suite: the system it runs in, the actor, the spec's fixture, and a text request helper. */
export interface ConformanceRun<F> {
  readonly system: ActorSystem;
  readonly actor: Actor;
  readonly fixture: F;
  /** Sends `command` as a text request to the actor and resolves with its reply as text. */
  ask(command: string): Promise<string>;
}

/** A `[[handler]]` table the manifest parser must refuse, naming `field`. */
export interface InvalidConfig {
  /** The table's keys after `[[handler]]`, `type` included: `type = "store"\nstores = "abc"`. */
  readonly table: string;
  /** The field the error names, relative to the table: `stores`, `stores[0]`. */
  readonly field: string;
}

/** Two grants of the handler where `wide` reaches something `narrow` does not. */
export interface ExcessPair<C> {
  readonly narrow: C;
  readonly wide: C;
  /** What `excess(wide, narrow)` says, or part of it. */
  readonly excess: string | RegExp;
}

/** How a child's grant is compared with its parent's. */
export type ExcessCases<C> =
  | { readonly pairs: readonly [ExcessPair<C>, ...ExcessPair<C>[]] }
  /** The handler takes no options: any grant of it holds any other (the sentence says so); `grant` is that grant. */
  | { readonly anyGrantHoldsAnother: string; readonly grant: C };

/** A call the grant refuses: the actor asks for it and must hear `error:<message>`, recorded in the chain. */
export interface Denial<F> {
  /** The text request to the test actor that makes the refused call. */
  readonly request: string | ((run: ConformanceRun<F>) => string);
  /** The WIT name of the refused function (`read-file`). */
  readonly function: string;
  /** The interface it belongs to; default the definition's first provided interface. */
  readonly interface?: string;
  /** The refusal's message, or part of it. */
  readonly error: string | RegExp;
}

/** A handler that refuses nothing, and why there is nothing to refuse. */
export interface NoDenial {
  readonly nothingToRefuse: string;
}

/**
 * A handler under test.
 * @example
 * testHandlerConformance({
 *   definition: timingHandler,
 *   handlers: defaultHandlers(),
 *   manifest: testActorManifest('probe'),
 *   drive: async ({ ask }) => expect(await ask('sleep 1')).toBe('slept'),
 *   denial: { request: 'sleep 5000', function: 'sleep', error: /permission-denied/ },
 *   invalidConfigs: [{ table: 'type = "timing"\nmax_sleep_ms = -1', field: 'max_sleep_ms' }],
 *   excess: { pairs: [{ narrow: …, wide: …, excess: /exceed the parent's/ }] },
 * });
 */
export interface HandlerConformanceSpec<C extends HandlerConfig = HandlerConfig, F = undefined> {
  readonly definition: HandlerDefinition<C>;
  /**
   * Every handler the actor system installs; the one of the definition's type is replaced by the definition under
   * test, wrapped to count its calls.
   */
  readonly handlers: readonly HandlerDefinition[];
  /** Prepares what the actor needs outside the system (a temp root, a loopback server) inside `scratchDir`. */
  readonly setup?: (scratchDir: string) => Promise<F>;
  /** Releases what `setup` made (the scratch directory itself is removed by the suite). */
  readonly teardown?: (fixture: F) => void | PromiseLike<void>;
  /**
   * The actor granted this handler: a manifest path, or a manifest made for the fixture (`load` reads a manifest file
   * with the spec's handlers installed, to change before returning it).
   */
  readonly manifest: string | ((fixture: F, load: (path: string) => Promise<Manifest>) => Manifest | Promise<Manifest>);
  /** Drives the actor through calls of the handler; asserts what it expects on the way. */
  readonly drive: (run: ConformanceRun<F>) => Promise<void>;
  /** A call the grant refuses, or why the handler refuses none. */
  readonly denial: Denial<F> | NoDenial;
  /** `[[handler]]` tables of this type the manifest parser must refuse. */
  readonly invalidConfigs: readonly [InvalidConfig, ...InvalidConfig[]];
  /** Grants a child may not get with only the narrower one in its parent. */
  readonly excess: ExcessCases<C>;
  /**
   * The outside world the handler acts on, observed (a server's request count, a directory listing): it must read
   * the same before and after a replay, which answers from the chain and acts on nothing.
   */
  readonly sideEffects?: (run: ConformanceRun<F>) => unknown;
}
