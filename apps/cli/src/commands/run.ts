/** `theater run`: spawn an actor in-process (no server), deliver messages in order, print what it does. */
import { dirname, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { isKernelError } from '@theater/kernel';
import pc from 'picocolors';
import { CommandFailure } from '../lib/commandFailure.js';
import { displayPath } from '../lib/displayPath.js';
import { EXIT } from '../lib/exitCodes.js';
import { formatReply, formatState } from '../lib/formatPayload.js';
import { formatDuration } from '../lib/formatUnits.js';
import { planMessages, withoutAttachedMessages } from '../lib/messagePlan.js';
import { runActor, type RunReport } from '../lib/runActor.js';
import { toRunJson, type RunJson } from '../lib/runJson.js';
import { count } from '../lib/pluralize.js';
import { TheaterCommand } from '../lib/theaterCommand.js';
import { refuseServedHome } from '../lib/serverConnection.js';

export default class Run extends TheaterCommand {
  static override summary = 'Run an actor from its manifest, deliver messages to it, print its logs, replies and final state.';

  static override description =
    `Spawns the actor in an actor system inside this process (no server), delivers the --send and --request messages in the order given, prints each log line as the actor writes it and each reply, then the final state; then stops the actor and exits.

Exit codes: 0 ok; 1 the actor failed (init, trap, guest error, timeout, out of memory); 2 bad input (invalid manifest, a component the manifest does not allow, a missing file).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> examples/counter/manifest.toml --send hello --send world --request count',
    '<%= config.bin %> <%= command.id %> manifest.toml --request state --json',
  ];

  static override args = {
    manifest: Args.string({ description: 'Path of the actor manifest (TOML).', required: true }),
  };

  static override flags = {
    send: Flags.string({
      char: 's',
      description:
        'Send a one-way message (UTF-8 text). Repeatable; interleaves with --request in command-line order. A message that starts with "-" is given attached: --send=--json.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    request: Flags.string({
      char: 'r',
      description:
        'Send a request and print its reply. Repeatable; interleaves with --send in command-line order. A request that starts with "-" is given attached: --request=-v.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    home: Flags.string({
      description: "Theater home (component cache; chain store, where the actor's chain is kept). Default: $THEATER_HOME, else ~/.theater.",
    }),
  };

  async run(): Promise<RunJson> {
    // Attached values (`--send=--json`) are read from argv as written, not by oclif, which takes them for flags
    // (and replaces this.argv with what it parsed).
    const argv = [...this.argv];
    const { args, flags } = await this.parse(Run, withoutAttachedMessages(argv));
    const messages = planMessages(argv, flags.send ?? [], flags.request ?? []);
    await refuseServedHome(flags.home);
    const report = await runActor({
      manifest: args.manifest,
      messages,
      ...(flags.home === undefined ? {} : { home: flags.home }),
      onLog: (entry, name) => this.log(`${pc.dim(`[${name}]`)} ${entry.message}`),
      onReply: (entry) => this.log(`reply to ${JSON.stringify(entry.request)}: ${formatReply(entry.reply)}`),
    }).catch((error: unknown) => {
      // The usual cause: the project was not built yet.
      if (isKernelError(error, 'component-not-found') && error.message.startsWith('component: ')) {
        const lines = [
          `component-not-found: ${error.message}`,
          `build it first: theater build ${displayPath(dirname(resolve(args.manifest)))}`,
        ];
        throw new CommandFailure(EXIT.badInput, lines, { error: { code: error.code, message: error.message } }, { cause: error });
      }
      throw error;
    });
    const json = toRunJson(report);
    if (report.failure !== undefined) {
      const { reason, message, during } = report.failure;
      const where = during === undefined ? '' : ` in ${during}`;
      // What a failed run leaves to follow up on: the undelivered messages, and the chain kept in the home.
      // `delivered` counts the messages handled; one that failed outside init was taken in too.
      const failedOnMessage = during !== undefined && !during.endsWith('#init') && report.delivered < messages.length;
      const undelivered = messages.length - report.delivered - (failedOnMessage ? 1 : 0);
      const lines = [
        `actor ${report.name} failed${where}: ${reason}: ${message}`,
        ...(undelivered > 0 ? [`${count(undelivered, 'message')} after the failure not delivered`] : []),
        `its chain: theater events ${report.actorId.slice(0, 8)} (actor ${report.actorId}, ${count(report.events, 'event')})`,
      ];
      throw new CommandFailure(EXIT.failed, lines, json);
    }
    if (report.stoppedItself && report.delivered < messages.length) {
      this.logToStderr(pc.yellow(`${report.name} stopped itself; ${messages.length - report.delivered} message(s) not delivered`));
    }
    this.log(`${pc.bold('state:')} ${formatState(report.state)}`);
    this.log(pc.dim(summary(report)));
    return json;
  }
}

/** `ran counter (3f2a…) · spawned in 1.2 s · component cache: transpiled in 1.1 s · 9 events` */
function summary(report: RunReport): string {
  const parts = [`ran ${report.name} (${report.actorId.slice(0, 8)})`];
  if (report.spawn !== undefined) {
    parts.push(`spawned in ${formatDuration(report.spawn.totalMs)}`);
    parts.push(
      report.spawn.cache === 'transpiled'
        ? `component cache: transpiled in ${formatDuration(report.spawn.transpileMs)}`
        : `component cache: ${report.spawn.cache} hit`,
    );
  }
  parts.push(`${report.events} events`);
  return parts.join(' · ');
}
