/**
 * What `theater replay <actor-id|file>` does, without the printing: re-run an actor from its chain (a chain file, or
 * an actor's chain in the home's store) in an actor system over the home, whose component cache supplies the
 * recorded component, and describe the result as the command's `--json` output.
 */
import { defaultHandlers } from '@theater/handlers';
import { encodeEventData, readChainFile, type ChainEvent } from '@theater/event-chain';
import { createActorSystem, type ReplayResult, type ReplayedEvent } from '@theater/kernel';
import { isChainFile } from './chainTarget.js';
import { replayOnServer } from './chainOnServer.js';
import { invalidChainFailure } from './chainVerdict.js';
import { serverOnHome } from './serverConnection.js';
import { withStoredActor } from './storedActor.js';
import { verifyChainSource, withChainFile } from './verifyChainFileAt.js';
import { verifyStoredActor } from './verifyStoredChain.js';

/** What `theater replay --json` prints. */
export interface ReplayJson extends Omit<ReplayResult, 'divergence'> {
  /** The chain file replayed, as given; absent for an actor's chain in the store. */
  readonly file?: string;
  /**
   * Where the replay first differs. The events' `data` is JSON: byte strings as `{"$bytes": "<base64>"}`, 64-bit
   * integers as `{"$bigint": "<decimal>"}` (the event-data convention; `decodeEventData` restores them).
   */
  readonly divergence?: ReplayResult['divergence'];
}

/** Options of {@link replayTarget}. */
export interface ReplayTargetOptions {
  readonly target: string;
  readonly home: string | undefined;
  /** A component to run instead of the recorded one. */
  readonly componentPath: string | undefined;
}

/**
 * Replays the chain `target` names, once it verified as `theater chain verify` verifies it (the same verifier, with
 * no --trust): a chain that fails verification is refused with verify's failure (exit 1), a malformed file with its
 * `invalid-chain-file` (bad input), before anything runs. A divergence is a result with `ok: false`; an unknown
 * actor, an unreadable file, or a recorded component that cannot be found throws a {@link CommandFailure}.
 * @example
 * const result = await replayTarget({ target: 'counter.chain', home: undefined, componentPath: undefined });
 */
export async function replayTarget(options: ReplayTargetOptions): Promise<ReplayJson> {
  const replayOptions = options.componentPath === undefined ? {} : { componentPath: options.componentPath };
  if (await isChainFile(options.target)) {
    const file = options.target;
    return withChainFile(file, async (source) => {
      // Verifying first costs a fraction of the replay, and keeps a tampered chain from being vouched for by a match.
      const verdict = await verifyChainSource(file, source);
      if (!verdict.ok) throw invalidChainFailure(verdict);
      // Replaying a file needs the home's component cache only: its chain store stays closed.
      const system = createActorSystem({
        handlers: defaultHandlers(),
        poolSize: 0,
        ...(options.home === undefined ? {} : { home: options.home }),
      });
      try {
        await using reader = readChainFile(source());
        return toReplayJson(await system.replay(reader.events(), replayOptions), file);
      } finally {
        await system.close();
      }
    });
  }
  // While a server runs on the home, the store is its: it verifies and replays.
  const client = await serverOnHome(options.home);
  if (client !== undefined) {
    const { verdict, result } = await replayOnServer(client, options.home, options.target, options.componentPath);
    if (result === undefined) throw invalidChainFailure(verdict);
    return toReplayJson(result);
  }
  return withStoredActor({ home: options.home, actorId: options.target }, async (system, actorId) => {
    const verdict = await verifyStoredActor(system, actorId);
    if (!verdict.ok) throw invalidChainFailure(verdict);
    return toReplayJson(await system.replay(actorId, replayOptions));
  });
}

/** The `--json` form of a replay's result, the same whether this process or a server replayed it. */
function toReplayJson(result: ReplayResult, file?: string): ReplayJson {
  const { ok, actorId, events, recordedComponent, replayedComponent, divergence, durationMs } = result;
  return {
    ...(file === undefined ? {} : { file }),
    ok,
    actorId,
    events,
    recordedComponent,
    replayedComponent,
    ...(divergence === undefined
      ? {}
      : {
          divergence: {
            index: divergence.index,
            expected: jsonEvent(divergence.expected),
            actual: jsonEvent(divergence.actual),
            reason: divergence.reason,
          },
        }),
    durationMs,
  };
}

/** The event with its data in its JSON form (a no-op for data that already is). */
function jsonEvent(event: ReplayedEvent | undefined): ReplayedEvent | undefined {
  if (event === undefined) return undefined;
  return { type: event.type, data: JSON.parse(Buffer.from(encodeEventData(event.data, 1)).toString('utf8')) as unknown, hash: event.hash };
}

/** The divergent event as a chain event, for the event summaries `theater events` prints. */
export function asChainEvent(event: ReplayedEvent): ChainEvent {
  return { v: 1, seq: 0, parent: null, type: event.type, data: encodeEventData(event.data, 1), time: 0, hash: new Uint8Array(32) };
}
