/**
 * `theater chain verify <id>` and `theater replay <id>` through a running server (the home's store is the server's
 * while it runs): the same verdicts, judged by the same policy, as when the CLI opens the store itself.
 */
import { resolve } from 'node:path';
import type { ReplayView, TheaterClient } from '@theater/client';
import { resolveTheaterHome, type ReplayResult } from '@theater/kernel';
import { toChainVerdict } from './chainVerdict.js';
import type { ChainVerifyJson } from './verifyChainFileAt.js';

/** Like `verifyStoredChain`, asking the server running on `home` to verify. */
export async function verifyChainOnServer(
  client: TheaterClient,
  home: string | undefined,
  given: string,
  trustedKeys?: readonly Uint8Array[],
): Promise<ChainVerifyJson> {
  const view = await client.chain.verify(given, trustedKeys === undefined ? {} : { trust: trustedKeys });
  const base = { home: resolveTheaterHome(home).root, actor: view.actor, events: view.events, checkpoints: view.checkpoints };
  if (!view.ok)
    return toChainVerdict(
      base,
      { ok: false, index: view.index, reason: view.reason },
      { signedEvents: 0, unsignedEvents: 0 },
      POLICY(trustedKeys),
    );
  const coverage = { signedEvents: view.events - view.unsignedEvents, unsignedEvents: view.unsignedEvents };
  return toChainVerdict(base, { ok: true, events: view.events }, coverage, POLICY(trustedKeys));
}

/** Without --trust the home's own node key is trusted (the server's): signers are checked, an unsigned tail only warns. */
const POLICY = (trustedKeys: readonly Uint8Array[] | undefined) => ({ signersChecked: true, requireSignedHead: trustedKeys !== undefined });

/** Like `replayTarget` for an actor id: verified first, then replayed, by the server. */
export async function replayOnServer(
  client: TheaterClient,
  home: string | undefined,
  given: string,
  componentPath: string | undefined,
): Promise<{ verdict: ChainVerifyJson; result?: ReplayResult }> {
  const verdict = await verifyChainOnServer(client, home, given);
  if (!verdict.ok) return { verdict };
  // The server resolves paths from its own working directory: send the one the user meant.
  const view: ReplayView = await client.chain.replay(
    verdict.actor,
    componentPath === undefined ? {} : { componentPath: resolve(componentPath) },
  );
  const { divergence } = view;
  return {
    verdict,
    result: {
      ...view,
      divergence:
        divergence === null
          ? undefined
          : {
              index: divergence.index,
              reason: divergence.reason,
              expected: divergence.expected ?? undefined,
              actual: divergence.actual ?? undefined,
            },
    },
  };
}
