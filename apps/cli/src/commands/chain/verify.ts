/** `theater chain verify <actor-id|file>`: check that a chain is intact and its checkpoints validly signed. */
import { Args, Flags } from '@oclif/core';
import { isChainFile } from '../../lib/chainTarget.js';
import { verifyChainOnServer } from '../../lib/chainOnServer.js';
import { invalidChainFailure, validVerdictLines } from '../../lib/chainVerdict.js';
import { parsePublicKeyHex } from '../../lib/parsePublicKeyHex.js';
import { serverOnHome } from '../../lib/serverConnection.js';
import { TheaterCommand } from '../../lib/theaterCommand.js';
import { verifyChainFileAt, type ChainVerifyJson } from '../../lib/verifyChainFileAt.js';
import { verifyStoredChain } from '../../lib/verifyStoredChain.js';

export default class ChainVerify extends TheaterCommand {
  static override summary = "Verify a chain: an exported chain file, or an actor's chain in the home's store.";

  static override description =
    `Checks every event's hash and link to its predecessor, and every signed checkpoint: its Ed25519 signature, its actor, the head it signs, and its signer. Prints the verdict: the first problem found, with the index of the event, or the number of events and checkpoints verified.

The argument is a chain file (as written by theater chain export) when a file or directory exists at that path, or when it contains a "/" or ends with ".chain"; otherwise it is the id of an actor whose chain is in the Theater home's store (--home), or a unique prefix of the id. While a server runs on the home (theater server), an actor's chain is read through it (the store is then the server's), with the same output. A file's checkpoints may be signed by any key unless --trust is given; a stored chain's must be signed by one of the --trust keys, by default the home's own node key (keys/node.pub). With --trust, the chain's head must also be covered by a checkpoint (events after the newest checkpoint are signed by no one, so stripping the checkpoints, or cutting the chain after one, fails); without it, the verdict says when nothing vouches for the chain's end.

Exit codes: 0 the chain is valid; 1 verification failed (a changed, inserted, dropped or reordered event, a bad or untrusted checkpoint, with --trust an unsigned head); 2 bad input (no such file or actor, a prefix of several actor ids, not a chain file or a truncated one, a malformed --trust key, the home's store in use by another process).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> counter.chain',
    '<%= config.bin %> <%= command.id %> counter.chain --trust "$(xxd -p -c 32 ~/.theater/keys/node.pub)"',
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776 --json',
  ];

  static override args = {
    target: Args.string({
      description: "A chain file, or the id (or a unique prefix of the id) of an actor whose chain is in the home's store.",
      required: true,
    }),
  };

  static override flags = {
    trust: Flags.string({
      description:
        'Require every checkpoint, and one on the head, to be signed by this Ed25519 public key (64 hex digits, the bytes of node.pub). Repeatable: any of them.',
      helpValue: '<public-key-hex>',
      multiple: true,
      multipleNonGreedy: true,
    }),
    home: Flags.string({
      description: 'Theater home whose chain store holds the actor (for an actor id). Default: $THEATER_HOME, else ~/.theater.',
    }),
  };

  async run(): Promise<ChainVerifyJson> {
    const { args, flags } = await this.parse(ChainVerify);
    const trustedKeys = flags.trust?.map((hex) => parsePublicKeyHex(hex, '--trust'));
    const verdict = (await isChainFile(args.target))
      ? await verifyChainFileAt(args.target, trustedKeys)
      : await verifyActorChain(flags.home, args.target, trustedKeys);
    if (!verdict.ok) throw invalidChainFailure(verdict);
    for (const line of validVerdictLines(verdict)) this.log(line);
    return verdict;
  }
}

/** An actor's chain: verified by the server running on the home when one does (the store is then its), else here. */
async function verifyActorChain(
  home: string | undefined,
  given: string,
  trustedKeys: readonly Uint8Array[] | undefined,
): Promise<ChainVerifyJson> {
  const client = await serverOnHome(home);
  return client === undefined ? verifyStoredChain(home, given, trustedKeys) : verifyChainOnServer(client, home, given, trustedKeys);
}
