/** What a world imports and exports, read from the WIT with jco (a dummy component of the world, printed back). */
import { SdkError } from '../sdkError.js';
import { loadJco } from './jcoTools.js';

/** A world's imported and exported interfaces, fully qualified (`theater:simple/runtime`). */
export interface WorldInterfaces {
  readonly imports: readonly string[];
  readonly exports: readonly string[];
}

/**
 * The interfaces world `world` of the WIT at `witPath` imports and exports. Throws `unknown-world` when there is no
 * such world and `invalid-wit` when the WIT does not parse. Takes ~300 ms (jco builds and prints a dummy component).
 */
export async function worldInterfaces(witPath: string, world: string): Promise<WorldInterfaces> {
  const { componentEmbed, componentNew, componentWit } = await loadJco();
  let wit: string;
  try {
    wit = await componentWit(await componentNew(await componentEmbed({ dummy: true, witPath, world })));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/world `[^`]*` not found/iu.test(message)) {
      throw new SdkError('unknown-world', `no world ${world} in ${witPath}`, { cause: error });
    }
    throw new SdkError('invalid-wit', `cannot read the WIT at ${witPath}: ${message}`, { cause: error });
  }
  const named = (kind: 'import' | 'export'): string[] =>
    [...wit.matchAll(new RegExp(`^\\s*${kind}\\s+([a-z0-9-]+:[a-z0-9-]+/[a-z0-9-]+)(?:@[^;\\s]*)?;`, 'gmu'))].map((match) => match[1]!);
  return { imports: named('import'), exports: named('export') };
}
