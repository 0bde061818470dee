/**
 * The last step of a spawn (and of a replay): place the actor (a pool worker of its own, or a shared scheduler worker,
 * as its manifest's `isolation` says), instantiate the component there, then run its `init`. Guest code runs only in
 * the sandbox. After each launch the next spawn of the component is prepared for: the worker pool is refilled and
 * its idle workers instantiate it ahead of time (dedicated), or the shared worker makes a spare instance (shared).
 */
import { withSendCredit } from '../messaging/creditedListener.js';
import type { SendCredit } from '../messaging/sendCredit.js';
import type { ActorInstance } from '../actor/actorInstance.js';
import type { Clock } from '../clock.js';
import { fallibleFunctions, importedFunctions, oneWayFunctions, type WitTable } from '../component/witFunctions.js';
import type { ComponentCache, LoadedComponent } from '../component/componentCache.js';
import type { ActorState, HostImplementation } from '../handler.js';
import { KernelError, isKernelError } from '../kernelError.js';
import type { Isolation, Manifest } from '../manifest/index.js';
import type { InstanceSpec } from '../sandbox/protocol.js';
import { Sandbox } from '../sandbox/sandbox.js';
import type { Placement } from '../sandbox/placement.js';
import type { SchedulerThread } from '../sandbox/schedulerThread.js';
import type { WorkerPool } from '../sandbox/workerPool.js';

/**
 * Instantiates the component in a pool worker for `actor` and runs its `init`. Refusals are thrown as KernelErrors
 * once the actor's failure is in its chain.
 */
export type LaunchActor = (
  actor: ActorInstance,
  component: LoadedComponent,
  manifest: Manifest,
  state: ActorState,
  host: HostImplementation,
) => Promise<{ readonly instantiateMs: number; readonly prepared: boolean }>;

/** What launching needs from its actor system. */
export interface LaunchSource {
  readonly cache: ComponentCache;
  readonly pool: WorkerPool;
  readonly placement: Placement;
  /** Where actors whose manifest sets no `isolation` run. */
  readonly defaultIsolation: Isolation;
  /** The clock of the instantiation deadline. */
  readonly clock: Clock;
  /** The WIT interfaces of the system's registry (theater:simple's and those its handlers bring). */
  readonly interfaces: WitTable;
  /** The send credit of the system's router: each actor's sandbox tells its worker the credit its sends earn. */
  readonly credit: SendCredit;
  /** Throws `system-closed` once the system is closing. */
  readonly assertOpen: () => void;
  readonly isClosing: () => boolean;
}

/** Creates the launcher of an actor system. */
export function createLauncher({
  cache,
  pool,
  placement,
  defaultIsolation,
  clock,
  interfaces,
  credit,
  assertOpen,
  isClosing,
}: LaunchSource): LaunchActor {
  const fallible = fallibleFunctions(interfaces);
  const oneWay = oneWayFunctions(interfaces);

  return async function launch(actor, component, manifest, state, host) {
    const spec: InstanceSpec = {
      key: `${component.hash}:${manifest.limits.memoryMb}`,
      gluePath: component.gluePath,
      modules: await cache.compile(component, manifest.limits.memoryMb),
      imports: importedFunctions(component, interfaces),
      fallible,
      oneWay,
      memoryLimitBytes: manifest.limits.memoryMb * 2 ** 20,
    };
    const shared = (manifest.isolation ?? defaultIsolation) === 'shared';
    let loaded: { instantiateMs: number; prepared: boolean };
    let started: Promise<void> | undefined;
    let thread: SchedulerThread | undefined;
    try {
      assertOpen();
      let attached = (): void => {};
      if (shared) ({ thread, attached } = await placement.shared());
      else ({ thread } = await placement.dedicated(spec.key));
      try {
        const opened = Sandbox.open(
          { thread, replace: (dead) => placement.replace(dead) },
          { ...spec, state },
          withSendCredit(actor.listener, credit, actor.id),
          { ms: manifest.limits.initTimeoutMs, limit: 'limits.init_timeout_ms' },
          clock,
        );
        // `init` goes with the load, in one round trip; a failed load is reported below, as an instantiation failure.
        started = actor.start(opened.sandbox, host, state);
        started.catch(() => {});
        loaded = await opened.loaded;
      } finally {
        attached();
      }
    } catch (cause) {
      if (!isClosing() && !shared) pool.refill();
      if (isKernelError(cause, 'system-closed')) {
        actor.abort('init-failed', 'the actor system closed before the actor started');
        await actor.exited;
        throw cause;
      }
      const message = cause instanceof Error ? cause.message : String(cause);
      actor.abort('init-failed', `instantiation failed: ${message}`);
      await actor.exited;
      throw new KernelError('instantiation-failed', `actor ${manifest.name} could not be instantiated: ${message}`, { cause, actor });
    }
    try {
      await started;
    } finally {
      // After the caller has its actor: starting a worker blocks this thread for about a millisecond.
      setImmediate(() => {
        if (isClosing()) return;
        // The next spawn of this component will likely follow: it is instantiated ahead of time.
        if (shared) {
          if (thread !== undefined && !thread.dead) placement.spare(thread, spec);
          return;
        }
        pool.prepare(spec);
        pool.refill();
      });
    }
    return loaded;
  };
}
