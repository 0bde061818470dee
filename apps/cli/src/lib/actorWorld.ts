/** Which world `theater build` builds an actor against. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultHandlers } from '@theater/handlers';
import { HandlerRegistry, loadManifest, manifestWorld, type Manifest } from '@theater/kernel';
import type { ActorWorld } from '@theater/sdk';
import { isFile } from './fileKind.js';

/** The world when neither `--world`, an `@world` tag nor a manifest says: an actor that receives messages. */
export const DEFAULT_WORLD = 'message-receiver-actor';

/** The world chosen, and why: printed by `theater build`. */
export interface ChosenWorld {
  readonly world: ActorWorld;
  readonly from: 'flag' | 'tag' | 'manifest' | 'default';
  /** The actor's manifest, when it has one (its name, and where the component goes by default), and its file. */
  readonly manifest?: Manifest;
  readonly manifestPath?: string;
}

/**
 * The world for an entry: `--world` when given; else the `@world <name>` tag of the file's leading doc comment;
 * else derived from the manifest's `[[handler]]` list (`manifestPath`, or `manifest.toml` in the actor directory):
 * it imports exactly the interfaces the granted handlers provide and exports what they require; else
 * {@link DEFAULT_WORLD}.
 */
export async function chooseWorld(
  entry: string,
  dir: string,
  flags: { world?: string | undefined; manifest?: string | undefined },
): Promise<ChosenWorld> {
  // The manifest is read whatever picks the world: it names the actor and says where its component goes.
  const manifestPath = flags.manifest === undefined ? join(dir, 'manifest.toml') : resolve(flags.manifest);
  const handlers = new HandlerRegistry(defaultHandlers());
  const found =
    flags.manifest !== undefined || (await isFile(manifestPath))
      ? { manifest: await loadManifest(manifestPath, { handlers }), manifestPath }
      : {};
  if (flags.world !== undefined) return { world: flags.world, from: 'flag', ...found };
  const tagged = entry.endsWith('.wat') ? undefined : worldTag(await readFile(entry, 'utf8'));
  if (tagged !== undefined) return { world: tagged, from: 'tag', ...found };
  if (found.manifest === undefined) return { world: DEFAULT_WORLD, from: 'default' };
  return { world: manifestWorld(found.manifest, handlers), from: 'manifest', ...found };
}

/** The `@world <name>` tag of a source's leading doc comment (the convention of hand-written WIT-level actors). */
export function worldTag(source: string): string | undefined {
  const header = /^\s*\/\*\*([\s\S]*?)\*\//u.exec(source)?.[1] ?? '';
  return /@world\s+([a-z0-9-]+)/u.exec(header)?.[1];
}
