/**
 * What `theater run` does, without the printing: spawn one actor in an in-process actor system, deliver messages in
 * order, collect its logs and replies, then stop it and close the system.
 */
import { randomUUID } from 'node:crypto';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem, isKernelError, type Actor, type ActorFailure, type SpawnTimings } from '@theater/kernel';
import type { PlannedMessage } from './messagePlan.js';

/** A line the actor logged through `runtime.log`. */
export interface LogEntry {
  readonly message: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** The reply to one request (`undefined` when the actor returned none). */
export interface ReplyEntry {
  readonly request: string;
  readonly reply: Uint8Array | undefined;
}

/** Options of {@link runActor}. */
export interface RunActorOptions {
  /** Path of the actor's manifest. */
  readonly manifest: string;
  /** Theater home; default `$THEATER_HOME` or `~/.theater`. */
  readonly home?: string;
  readonly messages: readonly PlannedMessage[];
  /** Called for each log line as the actor writes it, with the actor's name. */
  readonly onLog?: (entry: LogEntry, name: string) => void;
  /** Called for each reply as it arrives. */
  readonly onReply?: (entry: ReplyEntry) => void;
}

/** Everything that happened in one run. */
export interface RunReport {
  readonly actorId: string;
  readonly name: string;
  readonly componentHash: string;
  readonly logs: readonly LogEntry[];
  readonly replies: readonly ReplyEntry[];
  /** The last committed state. */
  readonly state: Uint8Array | undefined;
  /** Number of events in the actor's chain once it had stopped. */
  readonly events: number;
  /** Undefined when the actor failed during its spawn. */
  readonly spawn: SpawnTimings | undefined;
  /** How many messages were delivered (all of them unless the actor failed or stopped itself). */
  readonly delivered: number;
  /** Set when the actor failed, during init or while handling a message. */
  readonly failure: ActorFailure | undefined;
  /** True when the actor asked the runtime to stop it (through `runtime.shutdown`). */
  readonly stoppedItself: boolean;
}

/**
 * Runs an actor from its manifest and reports what happened. Refusals before the actor runs (an invalid manifest,
 * an ungranted import) are thrown as the library's `ManifestError` or `KernelError`; the actor's own failure is
 * reported in `failure`, never thrown.
 * @example
 * const report = await runActor({ manifest: 'manifest.toml', messages: [{ kind: 'request', text: 'count' }] });
 */
export async function runActor(options: RunActorOptions): Promise<RunReport> {
  const system = createActorSystem({
    handlers: defaultHandlers(),
    poolSize: 1,
    ...(options.home === undefined ? {} : { home: options.home }),
  });
  // Choosing the id up front lets us keep the logs `init` writes before `spawn` returns.
  const actorId = randomUUID();
  const logs: LogEntry[] = [];
  const replies: ReplyEntry[] = [];
  let name = '';
  const unsubscribe = system.inspect((event) => {
    if (event.type === 'actor.spawned' && event.actorId === actorId) name = event.name;
    if (event.type !== 'actor.log' || event.actorId !== actorId) return;
    const entry = { message: event.message, time: event.time };
    logs.push(entry);
    options.onLog?.(entry, name);
  });
  try {
    let actor: Actor;
    try {
      actor = await system.spawn(options.manifest, { id: actorId });
    } catch (error) {
      const failed = isKernelError(error) ? error.actor : undefined;
      if (failed?.failure === undefined) throw error;
      return {
        ...(await baseReport(failed, logs, replies)),
        spawn: undefined,
        delivered: 0,
        failure: failed.failure,
        stoppedItself: false,
      };
    }
    const spawn = system.spawnTimings(actorId);
    let delivered = 0;
    for (const message of options.messages) {
      if (actor.status !== 'running') break;
      try {
        const bytes = new TextEncoder().encode(message.text);
        if (message.kind === 'send') {
          await actor.send(bytes);
        } else {
          const entry = { request: message.text, reply: await actor.request(bytes) };
          replies.push(entry);
          options.onReply?.(entry);
        }
        delivered += 1;
      } catch (error) {
        // The actor failed or stopped itself while handling the message: reported below from its status.
        if (!isKernelError(error, 'actor-failed') && !isKernelError(error, 'actor-not-running')) throw error;
        break;
      }
    }
    const stoppedItself = actor.failure === undefined && actor.status !== 'running';
    await actor.stop();
    return { ...(await baseReport(actor, logs, replies)), spawn, delivered, failure: actor.failure, stoppedItself };
  } finally {
    unsubscribe();
    await system.close();
  }
}

async function baseReport(
  actor: Actor,
  logs: readonly LogEntry[],
  replies: readonly ReplyEntry[],
): Promise<Pick<RunReport, 'actorId' | 'name' | 'componentHash' | 'logs' | 'replies' | 'state' | 'events'>> {
  return {
    actorId: actor.id,
    name: actor.name,
    componentHash: actor.componentHash,
    logs,
    replies,
    state: actor.state(),
    events: (await actor.events()).length,
  };
}
