/** `theater build`: build an actor directory into a WebAssembly component with the SDK. */
import { basename, join, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import pc from 'picocolors';
import { buildActor, isSdkError } from '@theater/sdk';
import { chooseWorld, DEFAULT_WORLD } from '../lib/actorWorld.js';
import { manifestOutput } from '../lib/manifestOutput.js';
import { missingGrantFailure } from '../lib/missingGrantFailure.js';
import { displayPath } from '../lib/displayPath.js';
import { findActorEntry } from '../lib/findActorEntry.js';
import { formatDuration, formatSize } from '../lib/formatUnits.js';
import { startProgress } from '../lib/spinner.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

/** What `theater build --json` prints. */
export interface BuildJson {
  readonly name: string;
  readonly entry: string;
  /** The world's name (`theater-actor` when derived from the manifest). */
  readonly world: string;
  /** Where the world came from: `--world`, the entry's `@world` tag, the manifest's handlers, or the default. */
  readonly worldFrom: 'flag' | 'tag' | 'manifest' | 'default';
  /** The interfaces the component imports and exports. */
  readonly imports: readonly string[];
  readonly exports: readonly string[];
  readonly path: string;
  readonly bytes: number;
  readonly hash: string;
  readonly cached: boolean;
  readonly typechecked: boolean;
  readonly durationMs: number;
}

export default class Build extends TheaterCommand {
  static override summary = 'Build an actor directory into a WebAssembly component.';

  static override description =
    `Type-checks the actor's entry (--entry, else src/index.ts, else the only src/*.ts file; .js and .wat work too) with tsc, then compiles it with the SDK into a WebAssembly component: by default where the manifest's \`component\` says, else dist/<directory name>.wasm. Builds are cached by content hash, so an unchanged actor is not rebuilt.

The world is --world (a world of the theater:simple WIT, or of --wit <dir>), else the @world tag in the entry's leading doc comment, else derived from the manifest (--manifest, else manifest.toml in the directory): the component imports exactly the interfaces its [[handler]] entries provide and exports what they require, so nothing is granted that the actor does not use. Without a manifest the world is ${DEFAULT_WORLD}.

Exit codes: 0 ok; 1 the build failed (type errors, bundling or componentize errors); 2 bad input (no such directory, entry or manifest, an invalid manifest, an unknown world, code importing an interface the manifest does not grant, a manifest component path outside the manifest's directory).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> my-actor',
    '<%= config.bin %> <%= command.id %> examples/supervisor-tree --entry src/worker.ts --manifest examples/supervisor-tree/worker.toml',
    '<%= config.bin %> <%= command.id %> my-actor --world message-server-actor --out build/actor.wasm --json',
  ];

  static override args = {
    dir: Args.string({ description: 'The actor directory.', required: true }),
  };

  static override flags = {
    entry: Flags.string({ description: 'Entry file, relative to the actor directory. Default: src/index.ts or the only src/*.ts.' }),
    manifest: Flags.string({
      description: 'Manifest whose [[handler]] list gives the world. Default: manifest.toml in the actor directory.',
    }),
    world: Flags.string({
      description: `WIT world to build against instead of the manifest's. Default: the entry's @world tag, else derived from the manifest, else ${DEFAULT_WORLD}.`,
    }),
    wit: Flags.string({
      description: 'WIT folder holding --world. Default: the theater:simple WIT shipped with @theater/sdk.',
      dependsOn: ['world'],
    }),
    out: Flags.string({ description: "Output file. Default: the manifest's component path, else <dir>/dist/<directory name>.wasm." }),
    typecheck: Flags.boolean({
      description: 'Type-check TypeScript entries with tsc before building (--no-typecheck skips it).',
      default: true,
      allowNo: true,
    }),
    home: Flags.string({ description: 'Theater home; the build cache is <home>/cache/builds. Default: $THEATER_HOME, else ~/.theater.' }),
  };

  async run(): Promise<BuildJson> {
    const { args, flags } = await this.parse(Build);
    const dir = resolve(args.dir);
    const entry = await findActorEntry(dir, flags.entry);
    const chosen = await chooseWorld(entry, dir, flags);
    const name = chosen.manifest?.name ?? basename(dir);
    const manifestOut =
      flags.out === undefined && chosen.manifest !== undefined ? await manifestOutput(chosen.manifest, chosen.manifestPath!) : undefined;
    const outFile = resolve(flags.out ?? manifestOut ?? join(dir, 'dist', `${basename(dir)}.wasm`));

    const worldLabel = typeof chosen.world === 'string' ? chosen.world : 'world from manifest';
    const progress = startProgress(`building ${name} (${worldLabel})`, !this.jsonEnabled());
    const built = await buildActor({
      entry,
      world: chosen.world,
      outFile,
      typecheck: flags.typecheck,
      ...(flags.wit === undefined ? {} : { witPath: resolve(flags.wit) }),
      ...(flags.home === undefined ? {} : { cacheDir: join(resolve(flags.home), 'cache', 'builds') }),
    })
      .catch((error: unknown) => {
        if (isSdkError(error, 'import-not-in-world') && chosen.from === 'manifest') {
          throw missingGrantFailure(error.interfaces, error.message, displayPath(chosen.manifestPath!));
        }
        throw error;
      })
      .finally(() => progress.stop());

    const how = built.cached
      ? `up to date (build cache hit, ${formatDuration(built.durationMs)})`
      : `built in ${formatDuration(built.durationMs)}`;
    const short = (names: readonly string[]): string =>
      names.map((iface) => iface.replace(/^theater:simple\//u, '')).join(', ') || 'nothing';
    this.log(`${pc.green('✔')} ${name} ${pc.dim(`(${worldLabel})`)} ${how}`);
    this.log(`  ${pc.dim('imports')}  ${short(built.world.imports.filter((iface) => iface !== 'theater:simple/types'))}`);
    this.log(`  ${pc.dim('exports')}  ${short(built.world.exports)}`);
    this.log(`  ${pc.dim('path')}     ${displayPath(built.path)}`);
    this.log(`  ${pc.dim('size')}     ${formatSize(built.bytes)} (${built.bytes} bytes)`);
    this.log(`  ${pc.dim('hash')}     sha256:${built.hash}`);
    return {
      name,
      entry,
      world: built.world.name,
      worldFrom: chosen.from,
      imports: built.world.imports,
      exports: built.world.exports,
      path: built.path,
      bytes: built.bytes,
      hash: built.hash,
      cached: built.cached,
      typechecked: built.typechecked,
      durationMs: Math.round(built.durationMs),
    };
  }
}
