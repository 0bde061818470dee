/**
 * What `theater chain verify <actor-id>` does, without the printing: verify an actor's chain in the Theater home's
 * store, its signed checkpoints included, and describe the verdict as the command's `--json` output.
 */
import { checkpointCoverage } from '@theater/event-chain';
import type { ActorSystem } from '@theater/kernel';
import { toChainVerdict } from './chainVerdict.js';
import { withStoredActor } from './storedActor.js';
import type { ChainVerifyJson } from './verifyChainFileAt.js';

/**
 * Verifies the chain of the actor `given` names (its id, or a unique prefix of it) in the store of `home` (default
 * `$THEATER_HOME`, else `~/.theater`): hashes, links and checkpoints, which must be signed by one of `trustedKeys`,
 * by default the home's own node key (`keys/node.pub`); with `trustedKeys`, the head must be signed too. A failed
 * verification is a verdict with `ok: false`; an unknown actor throws a `CommandFailure` (bad input).
 * @example
 * const verdict = await verifyStoredChain(undefined, '7ff553ef-bdf2-4272-8a41-55e72db4b776');
 */
export async function verifyStoredChain(
  home: string | undefined,
  given: string,
  trustedKeys?: readonly Uint8Array[],
): Promise<ChainVerifyJson> {
  return withStoredActor({ home, actorId: given }, async (system, actorId) => verifyStoredActor(system, actorId, trustedKeys));
}

/** The verdict on the chain of `actorId` in the store of `system` (see {@link verifyStoredChain}). */
export async function verifyStoredActor(
  system: ActorSystem,
  actorId: string,
  trustedKeys?: readonly Uint8Array[],
): Promise<ChainVerifyJson> {
  const result = await system.verify(actorId, trustedKeys === undefined ? {} : { trustedKeys });
  const store = await system.chainStore();
  const [head, checkpoints] = await Promise.all([store.head(actorId), store.checkpoints(actorId)]);
  const events = head === undefined ? 0 : head.seq + 1;
  const base = { home: system.home.root, actor: actorId, events, checkpoints: checkpoints.length };
  // Without --trust the home's own node key is trusted: the signers are checked, but an unsigned tail only warns.
  return toChainVerdict(base, result, checkpointCoverage(events, checkpoints), {
    signersChecked: true,
    requireSignedHead: trustedKeys !== undefined,
  });
}
