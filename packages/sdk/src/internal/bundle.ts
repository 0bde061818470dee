/** Bundles an actor's TypeScript or JavaScript entry into one ES module for componentize-js. */
import { build, formatMessages, type Message } from 'esbuild';
import { SdkError } from '../sdkError.js';

/** Bundles `entry` with every import inlined except the `theater:simple/*` interfaces the component imports. */
export async function bundleActor(entry: string): Promise<string> {
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      // Workspace packages resolve to their TypeScript source, so actors never need a prior package build.
      conditions: ['@theater/source'],
      mainFields: ['module', 'main'],
      external: ['theater:simple/*'],
      logLevel: 'silent',
      charset: 'utf8',
    });
    const [output] = result.outputFiles;
    if (output === undefined) throw new Error('esbuild produced no output');
    return output.text;
  } catch (error) {
    const messages = isBuildFailure(error) ? await formatMessages(error.errors, { kind: 'error' }) : [];
    const detail = messages.length > 0 ? `:\n${messages.join('')}` : `: ${String(error)}`;
    throw new SdkError('bundle-failed', `cannot bundle ${entry}${detail}`, { cause: error });
  }
}

function isBuildFailure(error: unknown): error is Error & { errors: Message[] } {
  return error instanceof Error && Array.isArray((error as { errors?: unknown }).errors);
}
