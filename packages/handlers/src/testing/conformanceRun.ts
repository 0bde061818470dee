/**
 * One run of the handler under test, shared by the checks that need a real actor: a system over a temp home with the
 * definition wrapped to count its calls, the actor spawned and driven, the refused call made, the actor stopped, its
 * chain replayed, the system closed. What each step saw is kept for the checks to assert.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainEvent } from '@theater/event-chain';
import { createActorSystem, type HandlerConfig, type HandlerDefinition, type ReplayResult } from '@theater/kernel';
import { activeResources, resourcesBeyond, trackHandles } from './activeResources.js';
import { countCalls, type HandlerUse } from './callCounter.js';
import type { ConformanceRun, HandlerConformanceSpec } from './handlerConformanceSpec.js';
import { loadHandlerManifest } from './manifestText.js';

/** What one run saw. */
export interface RunRecord {
  readonly actorId: string;
  /** The handler's use by the actor once it had stopped. */
  readonly use: HandlerUse;
  /** The actor's chain once it had stopped. */
  readonly events: readonly ChainEvent[];
  /** The actor's reply to the refused request, when the spec has one. */
  readonly denialReply: string | undefined;
  readonly replay: ReplayResult;
  /** The handler's use by the actor after the replay (the same as `use` when the replay called nothing). */
  readonly useAfterReplay: HandlerUse;
  /** The spec's side effects before and after the replay. */
  readonly sideEffects: { readonly before: unknown; readonly after: unknown } | undefined;
  /** The handler's use once the system had closed, its cleanups included. */
  readonly useAfterClose: HandlerUse;
  /** Handles opened from the system's creation to its close and still open after it, by type, as where they were opened. */
  readonly openHandles: Record<string, string[]>;
  /** Resources active after the system closed beyond those active before it was created, by kind. */
  readonly activeBeyondBaseline: Record<string, number>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Runs the spec's actor once; the scratch directory and fixture are released whatever happens. */
export async function runHandler<C extends HandlerConfig, F>(spec: HandlerConformanceSpec<C, F>): Promise<RunRecord> {
  const scratch = await mkdtemp(join(tmpdir(), `theater-conformance-${spec.definition.type}-`));
  try {
    const fixture = spec.setup === undefined ? (undefined as F) : await spec.setup(scratch);
    try {
      return await runActor(spec, fixture, scratch);
    } finally {
      await spec.teardown?.(fixture);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function runActor<C extends HandlerConfig, F>(spec: HandlerConformanceSpec<C, F>, fixture: F, scratch: string): Promise<RunRecord> {
  const baseline = activeResources();
  const handles = trackHandles();
  const counter = countCalls(spec.definition);
  const handlers = [
    ...spec.handlers.filter((handler) => handler.type !== spec.definition.type),
    counter.definition as unknown as HandlerDefinition,
  ];
  const system = createActorSystem({ handlers, home: join(scratch, 'home'), poolSize: 1 });
  try {
    const load = (path: string) => loadHandlerManifest(path, spec.handlers);
    const manifest = typeof spec.manifest === 'string' ? await load(spec.manifest) : await spec.manifest(fixture, load);
    const actor = await system.spawn(manifest);
    const run: ConformanceRun<F> = {
      system,
      actor,
      fixture,
      ask: async (command) => decoder.decode(await actor.request(encoder.encode(command))),
    };
    await spec.drive(run);
    const denial = 'request' in spec.denial ? spec.denial : undefined;
    const denialReply =
      denial === undefined ? undefined : await run.ask(typeof denial.request === 'string' ? denial.request : denial.request(run));
    await actor.stop();
    const use = counter.use(actor.id);
    const events = await system.events(actor.id);
    const before = spec.sideEffects === undefined ? undefined : await spec.sideEffects(run);
    const replay = await system.replay(actor.id);
    const after = spec.sideEffects === undefined ? undefined : await spec.sideEffects(run);
    const useAfterReplay = counter.use(actor.id);
    await system.close();
    return {
      actorId: actor.id,
      use,
      events,
      denialReply,
      replay,
      useAfterReplay,
      sideEffects: spec.sideEffects === undefined ? undefined : { before, after },
      useAfterClose: counter.use(actor.id),
      openHandles: await handles.stillOpen(),
      activeBeyondBaseline: await resourcesBeyond(baseline),
    };
  } finally {
    handles.stop();
    await system.close();
  }
}
