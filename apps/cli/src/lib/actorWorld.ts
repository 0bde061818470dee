/** Which world `theater build` builds an actor against. */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultHandlers } from '@theater/handlers';
import { loadManifest, manifestWorld, type Manifest } from '@theater/kernel';
import type { ActorWorld } from '@theater/sdk';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';

/** The world when neither `--world`, an `@world` tag nor a manifest says: an actor that receives messages. */
export const DEFAULT_WORLD = 'message-receiver-actor';

/** The world chosen, and why: printed by `theater build`. */
export interface ChosenWorld {
  readonly world: ActorWorld;
  readonly from: 'flag' | 'tag' | 'manifest' | 'default';
  /** The manifest the world was derived from (also where the component goes by default). */
  readonly manifest?: Manifest;
}

/**
 * The world for an entry: `--world` when given; else the `@world <name>` tag of the file's leading doc comment;
 * else derived from the manifest's `[[handler]]` list (`manifestPath`, or `manifest.toml` in the actor directory):
 * it imports exactly the interfaces the granted handlers provide and exports what they require; else
 * {@link DEFAULT_WORLD}.
 */
export async function chooseWorld(entry: string, dir: string, flags: { world?: string | undefined; manifest?: string | undefined }): Promise<ChosenWorld> {
  if (flags.world !== undefined) return { world: flags.world, from: 'flag' };
  const tagged = entry.endsWith('.wat') ? undefined : worldTag(await readFile(entry, 'utf8'));
  if (tagged !== undefined) return { world: tagged, from: 'tag' };
  const manifestPath = flags.manifest === undefined ? join(dir, 'manifest.toml') : resolve(flags.manifest);
  if (flags.manifest === undefined && !(await isFile(manifestPath))) return { world: DEFAULT_WORLD, from: 'default' };
  const manifest = await loadManifest(manifestPath);
  return { world: manifestWorld(manifest, defaultHandlers()), from: 'manifest', manifest };
}

/** The `@world <name>` tag of a source's leading doc comment (the convention of hand-written WIT-level actors). */
export function worldTag(source: string): string | undefined {
  const header = /^\s*\/\*\*([\s\S]*?)\*\//u.exec(source)?.[1] ?? '';
  return /@world\s+([a-z0-9-]+)/u.exec(header)?.[1];
}

/**
 * The failure for imports the derived world lacks: each interface with the `[[handler]]` that grants it, so the fix
 * is one line of the manifest.
 */
export function missingGrantFailure(interfaces: readonly string[], message: string, manifestSource: string): CommandFailure {
  const handlers = defaultHandlers();
  const hints = interfaces.map((iface) => {
    const handler = handlers.find((definition) => definition.provides.includes(iface));
    return handler === undefined
      ? `  ${iface}: no Theater handler provides it`
      : `  ${iface}: add [[handler]] type = "${handler.type}" to ${manifestSource}`;
  });
  const lines = [`import-not-granted: ${message}`, ...hints];
  return new CommandFailure(EXIT.failed, lines, { error: { code: 'import-not-granted', message: lines.join('\n'), interfaces } });
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
}
