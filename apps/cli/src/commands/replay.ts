/** `theater replay <actor-id|file>`: re-run an actor from its chain alone and compare, event by event. */
import { Args, Flags } from '@oclif/core';
import pc from 'picocolors';
import { summarizeEvent } from '../lib/chainEventView.js';
import { CommandFailure } from '../lib/commandFailure.js';
import { EXIT } from '../lib/exitCodes.js';
import { formatDuration } from '../lib/formatUnits.js';
import { count } from '../lib/pluralize.js';
import { asChainEvent, replayTarget, type ReplayJson } from '../lib/replayTarget.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

const SUMMARY_WIDTH = 100;

export default class Replay extends TheaterCommand {
  static override summary = 'Re-run an actor from its chain and check that it does exactly what the chain records.';

  static override description =
    `Runs the recorded component (found by its hash in the Theater home's component cache, or --component) with the recorded manifest and initial state, issues every recorded call again in order, and answers every host call from the chain: nothing outside the actor happens (no message, no file, no request, no log line). Each event the replay records takes the recorded time and is compared with the recorded one; the verdict is either a chain identical hash for hash, or the first divergence with the event recorded and the event replayed.

The argument is a chain file (as written by theater chain export) when a file exists at that path, or it contains a "/" or ends with ".chain"; otherwise the id (or a unique prefix of the id) of an actor whose chain is in the home's store. While a server runs on the home (theater server), an actor's chain is read through it (the store is then the server's), with the same output.

The chain is verified first, as theater chain verify verifies it (hashes, links, checkpoints, the file's structure): a chain that fails is refused with verify's verdict, and nothing is replayed.

Exit codes: 0 the replay matches; 1 it diverges, or the chain fails verification; 2 bad input (no such actor or file, a malformed chain file, recorded event data that does not decode, a component not in the cache and not given, the store in use by another process).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> 7ff553ef',
    '<%= config.bin %> <%= command.id %> counter.chain --component ./dist/counter.wasm --json',
  ];

  static override args = {
    target: Args.string({
      description: "A chain file, or the id (or a unique prefix of the id) of an actor whose chain is in the home's store.",
      required: true,
    }),
  };

  static override flags = {
    component: Flags.string({
      description: 'Run this component instead of the recorded one (e.g. a new build, to see where it behaves differently).',
      helpValue: '<file.wasm>',
    }),
    home: Flags.string({
      description: 'Theater home: its component cache, and its chain store for an actor id. Default: $THEATER_HOME, else ~/.theater.',
    }),
  };

  async run(): Promise<ReplayJson> {
    const { args, flags } = await this.parse(Replay);
    const result = await replayTarget({ target: args.target, home: flags.home, componentPath: flags.component });
    const substituted =
      result.replayedComponent === result.recordedComponent
        ? ''
        : ` with component ${result.replayedComponent.slice(0, 12)} (recorded: ${result.recordedComponent.slice(0, 12)})`;
    const divergence = result.divergence;
    if (divergence !== undefined) {
      const lines = [
        `${pc.red('✗')} replay of ${result.actorId} diverges at event ${divergence.index}${substituted}: ${divergence.reason}`,
        `  ${pc.dim('recorded')}  ${divergence.expected === undefined ? '(nothing: the chain ends here)' : `${divergence.expected.type}  ${summarizeEvent(asChainEvent(divergence.expected), SUMMARY_WIDTH)}`}`,
        `  ${pc.dim('replayed')}  ${divergence.actual === undefined ? '(nothing: the replay ended here)' : `${divergence.actual.type}  ${summarizeEvent(asChainEvent(divergence.actual), SUMMARY_WIDTH)}`}`,
      ];
      throw new CommandFailure(EXIT.failed, lines, result);
    }
    this.log(
      `${pc.green('✓')} replay of ${result.actorId} matches its chain: ${count(result.events, 'event')}, hash for hash${substituted}, in ${formatDuration(result.durationMs)}`,
    );
    return result;
  }
}
