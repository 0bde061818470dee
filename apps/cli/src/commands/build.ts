/** `theater build`: build an actor directory into a WebAssembly component with the SDK. */
import { basename, join, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import pc from 'picocolors';
import { buildActor } from '@theater/sdk';
import { actorWorld, DEFAULT_WORLD } from '../lib/actorWorld.js';
import { displayPath } from '../lib/displayPath.js';
import { findActorEntry } from '../lib/findActorEntry.js';
import { formatDuration, formatSize } from '../lib/formatUnits.js';
import { startProgress } from '../lib/spinner.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

/** What `theater build --json` prints. */
export interface BuildJson {
  readonly name: string;
  readonly entry: string;
  readonly world: string;
  readonly path: string;
  readonly bytes: number;
  readonly hash: string;
  readonly cached: boolean;
  readonly durationMs: number;
}

export default class Build extends TheaterCommand {
  static override summary = 'Build an actor directory into a WebAssembly component.';

  static override description = `Compiles the actor's entry (--entry, else src/index.ts, else the only src/*.ts file; .js and .wat work too) against a theater:simple world with the SDK and writes dist/<directory name>.wasm. Builds are cached by content hash, so an unchanged actor is not rebuilt.

The world is --world, else the @world tag in the entry's leading doc comment, else ${DEFAULT_WORLD}.

Exit codes: 0 ok; 1 the build failed (bundling or componentize errors); 2 bad input (no such directory or entry, unknown world).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> examples/counter',
    '<%= config.bin %> <%= command.id %> my-actor --world message-server-actor --out build/actor.wasm --json',
  ];

  static override args = {
    dir: Args.string({ description: 'The actor directory.', required: true }),
  };

  static override flags = {
    entry: Flags.string({ description: 'Entry file, relative to the actor directory. Default: src/index.ts or the only src/*.ts.' }),
    world: Flags.string({ description: `WIT world to build against. Default: the entry's @world tag, else ${DEFAULT_WORLD}.` }),
    out: Flags.string({ description: 'Output file. Default: <dir>/dist/<directory name>.wasm.' }),
    home: Flags.string({ description: 'Theater home; the build cache is <home>/cache/builds. Default: $THEATER_HOME, else ~/.theater.' }),
  };

  async run(): Promise<BuildJson> {
    const { args, flags } = await this.parse(Build);
    const dir = resolve(args.dir);
    const name = basename(dir);
    const entry = await findActorEntry(dir, flags.entry);
    const world = await actorWorld(entry, flags.world);
    const outFile = resolve(flags.out ?? join(dir, 'dist', `${name}.wasm`));

    const progress = startProgress(`building ${name} (${world})`, !this.jsonEnabled());
    const built = await buildActor({
      entry,
      world,
      outFile,
      ...(flags.home === undefined ? {} : { cacheDir: join(resolve(flags.home), 'cache', 'builds') }),
    }).finally(() => progress.stop());

    const how = built.cached ? `up to date (build cache hit, ${formatDuration(built.durationMs)})` : `built in ${formatDuration(built.durationMs)}`;
    this.log(`${pc.green('✔')} ${name} ${pc.dim(`(${world})`)} ${how}`);
    this.log(`  ${pc.dim('path')}  ${displayPath(built.path)}`);
    this.log(`  ${pc.dim('size')}  ${formatSize(built.bytes)} (${built.bytes} bytes)`);
    this.log(`  ${pc.dim('hash')}  sha256:${built.hash}`);
    return { name, entry, world, ...built, durationMs: Math.round(built.durationMs) };
  }
}
