/**
 * `theater events <actor-id>`: list an actor's chain events, from the server running on the home (whose store it
 * is while it runs) or else from the home's store; `--follow` streams new events from a server until Ctrl-C.
 */
import { Args, Flags, ux } from '@oclif/core';
import pc from 'picocolors';
import type { TheaterClient } from '@theater/client';
import { matchesAnyType, type ChainEvent } from '@theater/event-chain';
import { formatTime, sanitize, summarizeEvent, toEventJson, type EventJson } from '../lib/chainEventView.js';
import { count } from '../lib/pluralize.js';
import { connectToServer, serverOnHome } from '../lib/serverConnection.js';
import { withStoredActor } from '../lib/storedActor.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

/** Events read from the store per page while filtering. */
const PAGE = 1000;
/** The most events the server gives per page. */
const SERVER_PAGE = 10_000;
/** Column widths of `--follow`'s rows, which cannot be measured ahead. */
const FOLLOW_SEQ_WIDTH = 6;
const FOLLOW_TYPE_WIDTH = 28;
/** The width of the table when stdout is not a terminal. */
const DEFAULT_WIDTH = 160;
const MIN_SUMMARY_WIDTH = 24;
const TIME_WIDTH = 24;

export default class Events extends TheaterCommand {
  static override summary = "List an actor's chain events: seq, time, type and a summary of each event's data; --follow streams new ones.";

  static override description =
    `Reads the actor's event chain and prints one row per event, oldest first: its seq, time (ISO 8601, UTC), type and a one-line summary of its data (calls as function(args), results as → output, byte strings as b'text' or 0x… hex), cut to fit the terminal. When a server runs on the home (theater server), the events come from it (the home's store is then the server's); otherwise from the home's chain store (where theater run records it). The output is the same either way.

--from starts at a seq; --type keeps the events of the given types; --limit then shows at most N of them: the first N from --from (use --from to page on). --json prints one JSON array of the selected events: { seq, time, type, hash, parent, encoding, data } with hashes in hex and data decoded (encoding "json"), or in base64 when it is not JSON (encoding "base64").

--follow needs a running server (--server, $THEATER_SERVER, or the one on the home): it prints the selected events from --from, then each new one as the actor commits it, until Ctrl-C (exit 0) or --limit events; with --json, one JSON object per line (JSON Lines) instead of one array.

Without a server, only one process may open a home's store at a time: stop a theater run that is using the home first.

Exit codes: 0 ok (also when no event is selected, and when --follow is stopped with Ctrl-C); 1 the server ended the stream or the connection was lost; 2 bad input (no such actor or a prefix of several ids, the store in use by another process, --follow without a server, a bad flag).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776',
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776 --type wasm --type theater:simple/runtime.log',
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776 --from 100 --limit 20 --json',
    '<%= config.bin %> <%= command.id %> 7ff553ef --follow --type wasm.call',
  ];

  static override args = {
    'actor-id': Args.string({
      description: 'The actor whose chain to list: its id, or a unique prefix of it (theater run prints the first 8 characters).',
      required: true,
    }),
  };

  static override flags = {
    type: Flags.string({
      char: 't',
      description:
        'Show only events of this type: an exact type, or a prefix ending at a ".", "/" or ":" boundary ("wasm" selects wasm.call, wasm.result and wasm.error), or any prefix ending with "*". Repeatable: any of them.',
      helpValue: '<type>',
      multiple: true,
      multipleNonGreedy: true,
    }),
    from: Flags.integer({ description: 'Start at this seq (default 0).', helpValue: '<seq>', min: 0 }),
    limit: Flags.integer({ char: 'n', description: 'Show at most N events: the first N selected, from --from.', helpValue: '<n>', min: 1 }),
    follow: Flags.boolean({
      char: 'f',
      description: 'Keep streaming new events from the server until Ctrl-C (needs a running server).',
      default: false,
    }),
    server: Flags.string({
      description: "With --follow: the server's URL. Default: $THEATER_SERVER, else the server running on the home.",
      helpValue: '<url>',
      dependsOn: ['follow'],
    }),
    home: Flags.string({
      description: 'Theater home whose server (or, with none running, whose chain store) to read. Default: $THEATER_HOME, else ~/.theater.',
    }),
  };

  async run(): Promise<EventJson[] | undefined> {
    const { args, flags } = await this.parse(Events);
    const types = flags.type ?? [];
    if (flags.follow) {
      await this.follow(
        await connectToServer({ home: flags.home, server: flags.server }),
        args['actor-id'],
        types,
        flags.from,
        flags.limit,
      );
      return undefined;
    }
    const selection = { actorId: args['actor-id'], types, from: flags.from ?? 0, wanted: flags.limit ?? Infinity };
    const client = await serverOnHome(flags.home);
    const { events, total } = client === undefined ? await readFromStore(flags.home, selection) : await readFromServer(client, selection);
    if (!this.jsonEnabled()) this.printTable(events, total, types, flags.from);
    return events.map(toEventJson);
  }

  /** Prints the selected events, then each new one, until Ctrl-C (or `limit` events). */
  private async follow(
    client: TheaterClient,
    actorId: string,
    types: readonly string[],
    from: number | undefined,
    limit: number | undefined,
  ): Promise<void> {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const json = this.jsonEnabled();
    const width = process.stdout.isTTY === true && process.stdout.columns > 0 ? process.stdout.columns : DEFAULT_WIDTH;
    const summaryWidth = Math.max(MIN_SUMMARY_WIDTH, width - (FOLLOW_SEQ_WIDTH + TIME_WIDTH + FOLLOW_TYPE_WIDTH + 6));
    const onLive = (): void => {
      if (!json && process.stderr.isTTY === true) process.stderr.write(pc.dim('following new events (Ctrl-C to stop)\n'));
    };
    let shown = 0;
    try {
      for await (const event of client.events.follow(actorId, {
        ...(from === undefined ? {} : { from }),
        types,
        signal: controller.signal,
        onLive,
      })) {
        if (json) ux.stdout(JSON.stringify(toEventJson(event)));
        else {
          const type = sanitize(event.type);
          const line = `${String(event.seq).padStart(FOLLOW_SEQ_WIDTH)}  ${formatTime(event.time).padEnd(TIME_WIDTH)}  ${type.padEnd(FOLLOW_TYPE_WIDTH)}  ${summarizeEvent(event, summaryWidth)}`;
          this.log(line.trimEnd());
        }
        shown += 1;
        if (limit !== undefined && shown >= limit) break;
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }

  private printTable(events: readonly ChainEvent[], total: number, types: readonly string[], from: number | undefined): void {
    const filters = [types.length === 0 ? '' : `of type ${types.join(', ')}`, from === undefined ? '' : `from seq ${from}`].filter(
      (part) => part !== '',
    );
    const which = filters.length === 0 ? '' : ` ${filters.join(' ')}`;
    if (events.length === 0) {
      this.log(pc.dim(`no events${which} (the chain has ${count(total, 'event')})`));
      return;
    }
    const seqWidth = Math.max('seq'.length, String(events.at(-1)!.seq).length);
    const typeWidth = Math.max('type'.length, ...events.map((event) => sanitize(event.type).length));
    const width = process.stdout.isTTY === true && process.stdout.columns > 0 ? process.stdout.columns : DEFAULT_WIDTH;
    const summaryWidth = Math.max(MIN_SUMMARY_WIDTH, width - (seqWidth + TIME_WIDTH + typeWidth + 6));
    const row = (seq: string, time: string, type: string, summary: string): string =>
      `${seq.padStart(seqWidth)}  ${time.padEnd(TIME_WIDTH)}  ${type.padEnd(typeWidth)}  ${summary}`.trimEnd();
    this.log(pc.bold(row('seq', 'time', 'type', 'data')));
    for (const event of events) {
      this.log(row(String(event.seq), formatTime(event.time), sanitize(event.type), summarizeEvent(event, summaryWidth)));
    }
    this.log(pc.dim(`${count(events.length, 'event')}${which} · the chain has ${count(total, 'event')}`));
  }
}

/** Which events to list. */
interface Selection {
  readonly actorId: string;
  readonly types: readonly string[];
  readonly from: number;
  /** At most this many (Infinity: all). */
  readonly wanted: number;
}

/** The selected events and the chain's length, read from the home's store by this process. */
async function readFromStore(home: string | undefined, selection: Selection): Promise<{ events: ChainEvent[]; total: number }> {
  const { types, wanted } = selection;
  return withStoredActor({ home, actorId: selection.actorId }, async (system, actorId) => {
    const selected: ChainEvent[] = [];
    // Paged, so a filter over a long chain holds only what it shows.
    for (let from = selection.from; selected.length < wanted; ) {
      const limit = types.length === 0 ? Math.min(PAGE, wanted - selected.length) : PAGE;
      const page = await system.events(actorId, { from, limit });
      for (const event of page) {
        if (selected.length < wanted && matchesAnyType(event.type, types)) selected.push(event);
      }
      if (page.length < limit) break;
      from = page.at(-1)!.seq + 1;
    }
    const head = await (await system.chainStore()).head(actorId);
    return { events: selected, total: head === undefined ? 0 : head.seq + 1 };
  });
}

/** The same, read through the server running on the home (it filters, and pages with its cursor). */
async function readFromServer(client: TheaterClient, selection: Selection): Promise<{ events: ChainEvent[]; total: number }> {
  const selected: ChainEvent[] = [];
  let total = 0;
  for (let from: number | null = selection.from; from !== null && selected.length < selection.wanted; ) {
    const page = await client.events.read(selection.actorId, {
      from,
      limit: Math.min(SERVER_PAGE, selection.wanted - selected.length),
      types: selection.types,
    });
    selected.push(...page.events);
    total = page.total;
    from = page.next;
  }
  return { events: selected, total };
}
