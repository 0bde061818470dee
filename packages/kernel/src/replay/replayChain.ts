/**
 * Replay: re-runs an actor from its chain alone. The recorded spawn gives the component (by hash), manifest and
 * initial state; the recorded export calls are issued again in order; host calls are answered from the chain; each
 * event the replay records takes the recorded time and is compared with the recorded one (see ReplayRecorder). A call
 * that ends in `wasm.aborted` (its shared worker died under it) committed nothing: it is not run, its recorded events
 * are taken as they are.
 *
 * The chain is read as a stream. An export call is issued only once the chain has been read up to the next call, so
 * every event it can record is at hand when it records it; reading stays at most READ_AHEAD events ahead of the
 * replay, and at most MAX_OUTSTANDING calls wait in the actor's mailbox.
 *
 * A chain holds one lifetime per start of the actor (its spawn, then each `actor.restart`): each replays on a fresh
 * instance from what its start event records, and ends as the recorded one did. A lifetime cut by a killed process
 * ends where its recorded events end: a call it left without a result committed nothing and is not run (like an
 * aborted one), and what the instance would record past that point is dropped (see ReplayRecorder's bound).
 */
import { openMemoryChainStore, type ChainEvent } from '@theater/event-chain';
import { ActorInstance } from '../actor/actorInstance.js';
import type { LoadedComponent } from '../component/componentCache.js';
import { exportedFunctions, importedFunctions, type WitTable } from '../component/witFunctions.js';
import type { ActorState, HostImplementation } from '../handler.js';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';
import { MessageRouter } from '../messaging/messageRouter.js';
import { recordedRestart, recordedSpawn, recordedStop } from './recordedData.js';
import type { SpawnEventData, WasmCallEventData } from '../chain/chainEvents.js';
import { RecordedChainCursor } from './recordedChainCursor.js';
import { replayHost } from './replayHost.js';
import { ReplayRecorder } from './replayRecorder.js';
import type { ReplayResult } from './replayResult.js';

const READ_AHEAD = 4096;
/**
 * Most replayed calls (with their params) waiting in the actor's mailbox at once; at the bound the older half is
 * awaited. It stays below the default `limits.mailbox` (1024), so an actor with the default mailbox replays with this
 * bound and room to spare, and above ISSUE_BATCH so a whole batch is issued without waiting. Raised from 512 with ISSUE_BATCH
 * (128 to 256) when reading moved to batches (0c6ac32); re-measured replaying 10,000 recorded sends to the counter
 * example, 256, 512, 900 and 2000 all fall within run-to-run noise (3.6 to 8.3 s on 2 shared cores), so the value
 * only bounds memory and is not a tuning point.
 */
const MAX_OUTSTANDING = 900;
/** Calls read before they are issued together. */
const ISSUE_BATCH = 256;
/** Calls in the first group: the guest starts after these are read, while the rest is read. */
const FIRST_ISSUE_BATCH = 16;
import { ACTOR_INTERFACE as ACTOR } from '../component/checkCompatibility.js';

/** What a replay needs from its actor system. */
export interface ReplayContext {
  /** The component to run: the substitute at `componentPath` if given, else the recorded one from the cache. */
  loadComponent(recordedHash: string, manifest: Manifest): Promise<LoadedComponent>;
  /** Instantiates the component for the actor and runs its `init`. */
  launch(
    actor: ActorInstance,
    component: LoadedComponent,
    manifest: Manifest,
    state: ActorState,
    host: HostImplementation,
  ): Promise<unknown>;
  now(): number;
  /** The WIT interfaces of the system's registry: what the replayed component's imports and exports are read by. */
  readonly interfaces: WitTable;
}

/** Replays the chain given as batches of events in seq order (read from a store, or from a chain file). */
export async function replayChain(batches: AsyncIterable<readonly ChainEvent[]>, context: ReplayContext): Promise<ReplayResult> {
  const started = performance.now();
  const store = await openMemoryChainStore();
  let stopReplay: () => void = () => {};
  const diverged = new Promise<void>((resolve) => (stopReplay = resolve));
  const recorder = new ReplayRecorder(store, () => stopReplay());
  const cursor = new RecordedChainCursor(batches, recorder);
  let replayed: ActorInstance | undefined;

  try {
    const spawnEvent = await cursor.readNext();
    if (spawnEvent?.type !== 'actor.spawn') throw new KernelError('invalid-chain', 'the chain does not begin with an actor.spawn event');
    const spawn = recordedSpawn(spawnEvent);
    let replayedComponent: string | undefined;
    let actorId: string | undefined;
    // One lifetime per start of the actor: the spawn, then each restart or resume, each from the state it records.
    for (let start: ChainEvent | undefined = spawnEvent; start !== undefined; start = cursor.nextLifetime()) {
      const lifetime = start === spawnEvent ? spawn : recordedRestart(start);
      // Each lifetime's first call is init, whose params carry the actor's id.
      if (!(await cursor.readToNextCall())) {
        // Nothing of it ran: its process was killed, its instance failed to start, or the system closed first.
        for (const event of [start, ...cursor.lifecycle]) recordAsRecorded(recorder, event);
        continue;
      }
      const init = cursor.pendingCalls.shift()!;
      const id = init.interface === ACTOR && init.function === 'init' ? init.params[0] : undefined;
      if (typeof id !== 'string' || (actorId !== undefined && id !== actorId)) {
        throw new KernelError(
          'invalid-chain',
          `the first call after event ${start.seq} (${start.type}) is not init(id) of the chain's actor`,
        );
      }
      actorId = id;
      const more = await cursor.readToNextCall();
      const { events: initEvents, ended: initEnded } = cursor.takeEvents(init);
      if (initEnded === 'interrupted') {
        // Cut short during init (killed, or failed from outside): it committed nothing; its events are taken as they are.
        for (const event of [start, ...initEvents, ...cursor.lifecycle]) recordAsRecorded(recorder, event);
        continue;
      }
      const component = await context.loadComponent(lifetime.component, lifetime.manifest);
      replayedComponent ??= component.hash;
      replayed = new ActorInstance({
        id,
        manifest: lifetime.manifest,
        componentHash: component.hash,
        chain: recorder,
        inspector: () => {},
        now: context.now,
        exports: exportedFunctions(component, context.interfaces),
        // A replayed actor talks to no one: its host calls are answered from the chain, and the router finds no
        // actor to deliver to, so it has no grant to check.
        router: new MessageRouter(
          () => undefined,
          () => {},
        ),
      });
      // The spawn (or restart) is the replay's input, not its behaviour: it is recorded as it was, whichever component runs.
      recordAsRecorded(recorder, start);
      await Promise.race([replayLifetime(replayed, component, lifetime, more), diverged]);
      await endLifetime(replayed);
      if (recorder.divergence !== undefined || !cursor.atRestart) break;
    }
    if (actorId === undefined) throw new KernelError('invalid-chain', 'the chain has no init call');
    if (recorder.divergence === undefined) {
      // One more recorded event than the replay produced is enough to report that it ended early.
      await cursor.readNext();
      recorder.ended();
    }
    return {
      ok: recorder.divergence === undefined,
      actorId,
      events: recorder.divergence?.index ?? cursor.lastSeq + 1,
      recordedComponent: spawn.component,
      replayedComponent: replayedComponent ?? spawn.component,
      divergence: recorder.divergence,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    // A chain found unreplayable mid-way (data that does not decode) must not leave the actor's worker running.
    if (replayed !== undefined) {
      recorder.ignoreRest();
      await replayed.stop().catch(() => undefined);
    }
    throw error;
  } finally {
    await cursor.close();
    await store.close();
  }

  /**
   * Launches one lifetime of the actor (its init) and issues its recorded calls in order; `more` is false when the
   * lifetime has no call after init.
   */
  async function replayLifetime(actor: ActorInstance, component: LoadedComponent, lifetime: SpawnEventData, more: boolean): Promise<void> {
    const host = replayHost(importedFunctions(component, context.interfaces), recorder, (data) => actor.requestShutdown(data));
    await context.launch(actor, component, lifetime.manifest, lifetime.state ?? undefined, host).catch(ignoreActorEnd);
    // Never more calls waiting than the recorded actor's mailbox holds, or the replay would be refused mailbox-full.
    const maxOutstanding = Math.max(1, Math.min(MAX_OUTSTANDING, lifetime.manifest.limits.mailbox));
    const outstanding: Promise<unknown>[] = [];
    // The first group is small, so the guest starts while the next groups are read.
    let issueBatch = FIRST_ISSUE_BATCH;
    for (;;) {
      if (recorder.divergence !== undefined || actor.status !== 'running') break;
      // Calls are read (and then issued) in groups, so they reach the worker in batches like a burst of sends.
      while (more && cursor.pendingCalls.length <= issueBatch && recorder.waiting <= READ_AHEAD) more = await cursor.readToNextCall();
      issueBatch = Math.min(ISSUE_BATCH, issueBatch * 4);
      // The last call read is issued only when the one after it (or the lifetime's end) has been read.
      const ready = more ? cursor.pendingCalls.splice(0, cursor.pendingCalls.length - 1) : cursor.pendingCalls.splice(0);
      for (const call of ready) {
        const { events, ended } = cursor.takeEvents(call);
        if (ended !== 'normally') {
          // Aborted with its worker, or cut short with its process: it committed nothing, so it is not run again;
          // its events are the recorded ones, in their place once the calls before it have recorded theirs.
          await Promise.race([Promise.all(outstanding.splice(0)), diverged]);
          for (const event of events) actor.record({ type: event.type, data: event.data });
          continue;
        }
        outstanding.push(issue(actor, call));
        if (outstanding.length >= maxOutstanding) await Promise.all(outstanding.splice(0, Math.ceil(outstanding.length / 2)));
      }
      // Calls already issued consume what was read ahead; events of the call not issued yet must be read on.
      while (recorder.waiting > READ_AHEAD && outstanding.length > 0 && recorder.divergence === undefined) {
        await Promise.race([outstanding.shift(), diverged]);
      }
      if (!more) break;
    }
    await Promise.race([Promise.all(outstanding), diverged]);
  }

  /**
   * Ends a lifetime's instance once its calls are replayed: as the recorded one ended, when it ended from outside;
   * then checks that the replay produced each of the lifetime's recorded events. What the instance records past the
   * lifetime's last recorded event is dropped (see ReplayRecorder), so a lifetime cut by a killed process, or by the
   * end of the chain, ends without a stop or failure it never recorded.
   */
  async function endLifetime(actor: ActorInstance): Promise<void> {
    const next = recorder.nextExpected();
    if (recorder.divergence === undefined && actor.status === 'running' && next !== undefined) {
      // Stopped from outside, as the recorded actor was: the stop is compared.
      if (next.type === 'actor.stop' && recordedStop(next).by === 'request') await actor.stop().catch(ignoreActorEnd);
      // Failed from outside (its supervisor's restart intensity, a system closing while it started): taken as recorded.
      else if (next.type === 'actor.fail') recordAsRecorded(recorder, next);
    }
    // An instance that stops or fails by itself records its end before it exits.
    if (actor.status !== 'running' && actor.status !== 'starting') await Promise.race([actor.exited, diverged]);
    recorder.lifetimeEnded();
    if (recorder.divergence !== undefined) recorder.ignoreRest();
    await actor.stop().catch(ignoreActorEnd);
    await actor.exited;
  }
}

/** Records `event` as the chain holds it: an input of the replay, or what a call that committed nothing left. */
function recordAsRecorded(recorder: ReplayRecorder, event: ChainEvent): void {
  recorder.record({ type: event.type, data: event.data, time: event.time });
}

/**
 * Puts a recorded call in the actor's mailbox. Its params were decoded from the chain for this call alone, so they are
 * handed over as they are (`actor.call` would copy them for a caller that might reuse them).
 */
function issue(actor: ActorInstance, call: WasmCallEventData): Promise<unknown> {
  try {
    return actor.enqueue(call.interface, call.function, call.params).catch(ignoreActorEnd);
  } catch (error) {
    return Promise.reject(error).catch(ignoreActorEnd);
  }
}

/** A replayed call may be refused or fail when the actor fails or stops: the comparison reports what matters. */
function ignoreActorEnd(error: unknown): undefined {
  // export-missing: a substituted component lacks a recorded export; the call then never appears in the replay.
  if (
    error instanceof KernelError &&
    ['actor-failed', 'actor-not-running', 'init-failed', 'instantiation-failed', 'export-missing'].includes(error.code)
  ) {
    return undefined;
  }
  throw error;
}
