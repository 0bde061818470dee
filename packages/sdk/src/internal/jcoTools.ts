/** The jco (wasm-tools) steps of a build: WAT → component. Loaded lazily: jco takes ~100 ms. */
import { SdkError } from '../sdkError.js';
import { preopenHostRoot } from './hostRootPreopen.js';

type Jco = typeof import('@bytecodealliance/jco');

let jco: Promise<Jco> | undefined;

/** jco, imported on first use. */
export function loadJco(): Promise<Jco> {
  // componentEmbed (jco-transpile's wasm-tools) reads the WIT folder through a preview2-shim that may preopen nothing.
  jco ??= preopenHostRoot(['@bytecodealliance/jco', '@bytecodealliance/jco-transpile/wasm-tools']).then(
    () => import('@bytecodealliance/jco'),
  );
  return jco;
}

/** The export names of a core-module WAT text (`bundle-failed` when it does not parse). */
export async function coreExports(wat: string, entry: string): Promise<string[]> {
  const { parse } = await loadJco();
  let core: Uint8Array;
  try {
    core = await parse(wat);
  } catch (error) {
    throw new SdkError('bundle-failed', `cannot parse ${entry}: ${errorMessage(error)}`, { cause: error });
  }
  // Compiling a hand-written core module takes milliseconds; only its export names are needed.
  return WebAssembly.Module.exports(await WebAssembly.compile(new Uint8Array(core))).map((entry) => entry.name);
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
