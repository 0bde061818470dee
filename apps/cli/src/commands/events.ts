/** `theater events <actor-id>`: list an actor's chain events from the Theater home's store. */
import { Args, Flags } from '@oclif/core';
import pc from 'picocolors';
import type { ChainEvent } from '@theater/event-chain';
import { formatTime, matchesType, sanitize, summarizeEvent, toEventJson, type EventJson } from '../lib/chainEventView.js';
import { count } from '../lib/pluralize.js';
import { withStoredActor } from '../lib/storedActor.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

/** Events read from the store per page while filtering. */
const PAGE = 1000;
/** The width of the table when stdout is not a terminal. */
const DEFAULT_WIDTH = 160;
const MIN_SUMMARY_WIDTH = 24;
const TIME_WIDTH = 24;

export default class Events extends TheaterCommand {
  static override summary = "List an actor's chain events: seq, time, type and a summary of each event's data.";

  static override description = `Reads the actor's event chain from the Theater home's chain store (where theater run records it) and prints one row per event, oldest first: its seq, time (ISO 8601, UTC), type and a one-line summary of its data (calls as function(args), results as → output, byte strings as b'text' or 0x… hex), cut to fit the terminal.

--from starts at a seq; --type keeps the events of the given types; --limit then shows at most N of them: the first N from --from (use --from to page on). --json prints one JSON array of the selected events: { seq, time, type, hash, parent, encoding, data } with hashes in hex and data decoded (encoding "json"), or in base64 when it is not JSON (encoding "base64").

Only one process may open a home's store at a time: stop a theater process that is using the home first.

Exit codes: 0 ok (also when no event is selected); 2 bad input (no such actor in the home's store or a prefix of several ids, the store in use by another process, a bad flag).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776',
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776 --type wasm --type theater:simple/runtime.log',
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776 --from 100 --limit 20 --json',
  ];

  static override args = {
    'actor-id': Args.string({ description: 'The actor whose chain to list: its id, or a unique prefix of it (theater run prints the first 8 characters).', required: true }),
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
    home: Flags.string({ description: 'Theater home whose chain store to read. Default: $THEATER_HOME, else ~/.theater.' }),
  };

  async run(): Promise<EventJson[]> {
    const { args, flags } = await this.parse(Events);
    const types = flags.type ?? [];
    const { events, total } = await withStoredActor({ home: flags.home, actorId: args['actor-id'] }, async (system, actorId) => {
      const selected: ChainEvent[] = [];
      const wanted = flags.limit ?? Infinity;
      // Paged, so a filter over a long chain holds only what it shows.
      for (let from = flags.from ?? 0; selected.length < wanted; ) {
        const limit = types.length === 0 ? Math.min(PAGE, wanted - selected.length) : PAGE;
        const page = await system.events(actorId, { from, limit });
        for (const event of page) {
          if (selected.length < wanted && (types.length === 0 || types.some((type) => matchesType(event.type, type)))) selected.push(event);
        }
        if (page.length < limit) break;
        from = page.at(-1)!.seq + 1;
      }
      const head = await (await system.chainStore()).head(actorId);
      return { events: selected, total: head === undefined ? 0 : head.seq + 1 };
    });

    if (!this.jsonEnabled()) this.printTable(events, total, types, flags.from);
    return events.map(toEventJson);
  }

  private printTable(events: readonly ChainEvent[], total: number, types: readonly string[], from: number | undefined): void {
    const filters = [types.length === 0 ? '' : `of type ${types.join(', ')}`, from === undefined ? '' : `from seq ${from}`].filter((part) => part !== '');
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
