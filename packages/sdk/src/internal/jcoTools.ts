/** The jco (wasm-tools) steps of a build: world checks and WAT → component. Loaded lazily: jco takes ~100 ms. */
import { SdkError } from '../sdkError.js';
import { preopenHostRoot } from './hostRootPreopen.js';

type Jco = typeof import('@bytecodealliance/jco');

let jco: Promise<Jco> | undefined;

function loadJco(): Promise<Jco> {
  // componentEmbed (jco-transpile's wasm-tools) reads the WIT folder through a preview2-shim that may preopen nothing.
  jco ??= preopenHostRoot(['@bytecodealliance/jco', '@bytecodealliance/jco-transpile/wasm-tools']).then(() => import('@bytecodealliance/jco'));
  return jco;
}

/** Throws `unknown-world` when `witPath` has no world `world`, or `invalid-wit` when the WIT does not parse. */
export async function assertWorldExists(witPath: string, world: string): Promise<void> {
  const { componentEmbed } = await loadJco();
  try {
    await componentEmbed({ dummy: true, witPath, world });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/world `[^`]*` not found/i.test(message)) {
      throw new SdkError('unknown-world', `no world ${world} in ${witPath}`, { cause: error });
    }
    throw new SdkError('invalid-wit', `cannot read the WIT at ${witPath}: ${message}`, { cause: error });
  }
}

/** Parses a core-module WAT text, embeds the world's WIT and wraps it into a component. */
export async function componentFromWat(wat: string, witPath: string, world: string, entry: string): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await loadJco();
  let core: Uint8Array;
  try {
    core = await parse(wat);
  } catch (error) {
    throw new SdkError('bundle-failed', `cannot parse ${entry}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    const embedded = await componentEmbed({ binary: core, witPath, world });
    return await componentNew(embedded);
  } catch (error) {
    throw new SdkError('componentize-failed', `cannot make a ${world} component from ${entry}: ${errorMessage(error)}`, { cause: error });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
