/**
 * The verdict `theater chain verify` gives (and `theater replay` checks first): the verifier's result, how far the
 * chain's checkpoints reach, and whether a trusted key vouches for its head; and the failure an invalid verdict ends
 * with, the same for both commands.
 */
import type { CheckpointCoverage, VerifyResult } from '@theater/event-chain';
import pc from 'picocolors';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';
import { count } from './pluralize.js';
import type { ChainVerifyJson } from './verifyChainFileAt.js';

/** How the checkpoints' signers were judged. */
export interface TrustPolicy {
  /** True when each checkpoint's signer was checked against trusted keys (`--trust`, or a home's node key). */
  readonly signersChecked: boolean;
  /** True when the head must be covered by a checkpoint (`--trust` given): trailing unsigned events fail. */
  readonly requireSignedHead: boolean;
}

/** The `--json` verdict from what the verifier found. */
export function toChainVerdict(
  base: Omit<ChainVerifyJson, 'ok' | 'index' | 'reason' | 'unsignedEvents' | 'headVouched'>,
  result: VerifyResult,
  coverage: CheckpointCoverage,
  policy: TrustPolicy,
): ChainVerifyJson {
  if (!result.ok) return { ...base, ok: false, index: result.index, reason: result.reason };
  const { signedEvents, unsignedEvents } = coverage;
  if (policy.requireSignedHead && unsignedEvents > 0) {
    // Stripping or cutting off the checkpoints leaves a chain whose links still hold: only a signed head vouches for its end.
    const which =
      unsignedEvents === 1 ? `its last event (event ${signedEvents})` : `its last ${unsignedEvents} events (from event ${signedEvents})`;
    const reason = `the chain's head is not signed: ${which} ${unsignedEvents === 1 ? 'is' : 'are'} covered by no checkpoint signed by a trusted key`;
    return { ...base, ok: false, index: signedEvents, reason, unsignedEvents };
  }
  return { ...base, ok: true, unsignedEvents, headVouched: policy.signersChecked && unsignedEvents === 0 };
}

/** What to print for a valid verdict: the verdict, and a warning when nothing vouches for the chain's end. */
export function validVerdictLines(verdict: ChainVerifyJson): string[] {
  const lines = [
    `${pc.green('✓')} chain of ${verdict.actor}: ${count(verdict.events, 'event')}, ${count(verdict.checkpoints, 'signed checkpoint')} verified`,
  ];
  if (verdict.headVouched === false) {
    const unsigned = verdict.unsignedEvents ?? 0;
    const why =
      unsigned > 0
        ? `${unsigned === verdict.events ? 'no checkpoint covers any of its events' : `its last ${count(unsigned, 'event')} ${unsigned === 1 ? 'is' : 'are'} covered by no checkpoint`}`
        : "its checkpoints' signers were not checked";
    const hint = verdict.file === undefined ? '' : ' (--trust <public-key-hex> requires the head signed by that key)';
    lines.push(`${pc.yellow('!')} nothing vouches for the chain's end: ${why}${hint}`);
  }
  return lines;
}

/** The failure an invalid verdict ends with (exit code 1), for `chain verify` and `replay` alike. */
export function invalidChainFailure(verdict: ChainVerifyJson): CommandFailure {
  const where = verdict.index === undefined ? '' : ` at event ${verdict.index}`;
  return new CommandFailure(
    EXIT.failed,
    [`${pc.red('✗')} chain of ${verdict.actor} is invalid${where}: ${verdict.reason ?? 'unknown problem'}`],
    verdict,
  );
}
