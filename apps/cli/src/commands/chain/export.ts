/** `theater chain export <actor-id> -o <file>`: write an actor's chain from the home's store to a chain file. */
import { Args, Flags } from '@oclif/core';
import pc from 'picocolors';
import { displayPath } from '../../lib/displayPath.js';
import { exportChainTo, type ChainExportJson } from '../../lib/exportChainTo.js';
import { formatSize } from '../../lib/formatUnits.js';
import { count } from '../../lib/pluralize.js';
import { TheaterCommand } from '../../lib/theaterCommand.js';

export default class ChainExport extends TheaterCommand {
  static override summary = "Export an actor's chain from the home's store to a chain file.";

  static override description =
    `Writes the actor's events and signed checkpoints, from the Theater home's chain store, to a portable chain file (the chain file format of @theater/event-chain), which theater chain verify checks anywhere. The file is written whole or not at all: to a temporary file in the same directory, then renamed. An existing file is kept unless --force is given. While a server runs on the home (theater server), an actor's chain is read through it (the store is then the server's), with the same output.

Exit codes: 0 ok; 2 bad input (no such actor in the home's store or a prefix of several ids, the output exists or is a directory or cannot be written, the store in use by another process).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776 -o counter.chain',
    '<%= config.bin %> <%= command.id %> 7ff553ef-bdf2-4272-8a41-55e72db4b776 -o counter.chain --force --json',
  ];

  static override args = {
    'actor-id': Args.string({ description: 'The actor whose chain to export: its id, or a unique prefix of it.', required: true }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'The chain file to write.', helpValue: '<file>', required: true }),
    force: Flags.boolean({ char: 'f', description: 'Replace the output file if it exists.', default: false }),
    home: Flags.string({ description: 'Theater home whose chain store holds the actor. Default: $THEATER_HOME, else ~/.theater.' }),
  };

  async run(): Promise<ChainExportJson> {
    const { args, flags } = await this.parse(ChainExport);
    const exported = await exportChainTo({ home: flags.home, actorId: args['actor-id'], output: flags.output, force: flags.force });
    this.log(`${pc.green('✔')} exported the chain of ${exported.actor}`);
    this.log(`  ${pc.dim('path')}    ${displayPath(exported.path)}`);
    this.log(`  ${pc.dim('events')}  ${count(exported.events, 'event')}, ${count(exported.checkpoints, 'signed checkpoint')}`);
    this.log(`  ${pc.dim('size')}    ${formatSize(exported.bytes)} (${exported.bytes} bytes)`);
    return exported;
  }
}
