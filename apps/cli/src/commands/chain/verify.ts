/** `theater chain verify <file>`: check that an exported chain file is intact and its checkpoints validly signed. */
import { Args, Flags } from '@oclif/core';
import pc from 'picocolors';
import { CommandFailure } from '../../lib/commandFailure.js';
import { EXIT } from '../../lib/exitCodes.js';
import { parsePublicKeyHex } from '../../lib/parsePublicKeyHex.js';
import { TheaterCommand } from '../../lib/theaterCommand.js';
import { verifyChainFileAt, type ChainVerifyJson } from '../../lib/verifyChainFileAt.js';

export default class ChainVerify extends TheaterCommand {
  static override summary = 'Verify an exported chain file: hashes, links and signed checkpoints.';

  static override description = `Reads a chain file (as written by the chain store's export) and checks every event's hash and link to its predecessor, and every signed checkpoint: its Ed25519 signature, its actor (the file's), the head it signs, and with --trust its signer. Prints the verdict: the first problem found, with the index of the event, or the number of events and checkpoints verified.

Exit codes: 0 the chain is valid; 1 verification failed (a changed, inserted, dropped or reordered event, a bad or untrusted checkpoint); 2 bad input (no such file, not a chain file or a truncated one, a malformed --trust key).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> counter.chain',
    '<%= config.bin %> <%= command.id %> counter.chain --trust "$(xxd -p -c 32 ~/.theater/keys/node.pub)"',
    '<%= config.bin %> <%= command.id %> counter.chain --json',
  ];

  static override args = {
    file: Args.string({ description: 'Path of the chain file.', required: true }),
  };

  static override flags = {
    trust: Flags.string({
      description: 'Require every checkpoint to be signed by this Ed25519 public key (64 hex digits, the bytes of node.pub). Repeatable: any of them.',
      helpValue: '<public-key-hex>',
      multiple: true,
      multipleNonGreedy: true,
    }),
  };

  async run(): Promise<ChainVerifyJson> {
    const { args, flags } = await this.parse(ChainVerify);
    const trustedKeys = flags.trust?.map((hex) => parsePublicKeyHex(hex, '--trust'));
    const verdict = await verifyChainFileAt(args.file, trustedKeys);
    if (!verdict.ok) {
      const where = verdict.index === undefined ? '' : ` at event ${verdict.index}`;
      throw new CommandFailure(EXIT.failed, [`${pc.red('✗')} chain of ${verdict.actor} is invalid${where}: ${verdict.reason ?? 'unknown problem'}`], verdict);
    }
    this.log(`${pc.green('✓')} chain of ${verdict.actor}: ${count(verdict.events, 'event')}, ${count(verdict.checkpoints, 'signed checkpoint')} verified`);
    return verdict;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
