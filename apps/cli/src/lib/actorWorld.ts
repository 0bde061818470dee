/** Which WIT world `theater build` builds an actor against. */
import { readFile } from 'node:fs/promises';

/** The world when neither `--world` nor an `@world` tag names one: an actor that receives messages. */
export const DEFAULT_WORLD = 'message-receiver-actor';

/**
 * The world for an entry: `explicit` when given, else the `@world <name>` tag of the file's leading doc comment
 * (the convention of the examples), else {@link DEFAULT_WORLD}.
 */
export async function actorWorld(entry: string, explicit: string | undefined): Promise<string> {
  if (explicit !== undefined) return explicit;
  if (entry.endsWith('.wat')) return DEFAULT_WORLD;
  const source = await readFile(entry, 'utf8');
  const header = /^\s*\/\*\*([\s\S]*?)\*\//u.exec(source)?.[1] ?? '';
  return /@world\s+([a-z0-9-]+)/u.exec(header)?.[1] ?? DEFAULT_WORLD;
}
