/**
 * Type-checks an actor's TypeScript entry (and everything it imports) with the TypeScript compiler, so a wrong return
 * shape is a build error with its file and line instead of a trap at run time.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdkError } from '../sdkError.js';
import { displayFile } from './displayFile.js';

type TypeScript = typeof import('typescript');

/** Options for an actor without a tsconfig.json; the `theater:simple/*` declarations are added as a root file. */
const DEFAULT_OPTIONS = {
  target: 'es2022',
  module: 'esnext',
  moduleResolution: 'bundler',
  strict: true,
  skipLibCheck: true,
  types: [],
};

/** This SDK's declarations of the `theater:simple/*` modules (the same relative path from `src/` and `dist/`). */
const WIT_DECLARATIONS = fileURLToPath(new URL('../generated/full-actor.d.ts', import.meta.url));

/** Shown at most, so a broken file does not flood the terminal. */
const MAX_DIAGNOSTICS = 50;

/**
 * Type-checks `entry` with the compiler options of the nearest `tsconfig.json` above it (or {@link DEFAULT_OPTIONS}),
 * without emitting. Throws `type-check-failed` listing each error as `file:line:column - error TSxxxx: message`.
 */
export function typecheckActor(entry: string): void {
  // TypeScript is CommonJS; require gives its full API (~1 s to load, so only when a build asks to type-check).
  const ts = createRequire(import.meta.url)('typescript') as TypeScript;
  const configPath = ts.findConfigFile(dirname(entry), (path) => ts.sys.fileExists(path));
  const { options, configErrors } = compilerOptions(ts, configPath, dirname(entry));
  // A tsconfig says where its types come from (`@theater/sdk/wit-types`); without one, use this SDK's.
  const rootNames = configPath === undefined ? [entry, WIT_DECLARATIONS] : [entry];
  const program = ts.createProgram({ rootNames, options: { ...options, noEmit: true, incremental: false, composite: false } });
  const diagnostics = [...configErrors, ...ts.getPreEmitDiagnostics(program)].filter(
    (diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error,
  );
  if (diagnostics.length === 0) return;
  const lines = diagnostics.slice(0, MAX_DIAGNOSTICS).map((diagnostic) => formatDiagnostic(ts, diagnostic));
  if (diagnostics.length > MAX_DIAGNOSTICS) lines.push(`… and ${diagnostics.length - MAX_DIAGNOSTICS} more`);
  // A tsconfig without the SDK's declarations (a parent project's, say) cannot find the theater:simple modules.
  if (
    diagnostics.some(
      (diagnostic) =>
        diagnostic.code === 2307 && /'theater:simple\//u.test(String(ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '))),
    )
  ) {
    lines.push(
      `hint: the theater:simple/* modules are declared by @theater/sdk/wit-types: add it to "types" in ${configPath === undefined ? 'tsconfig.json' : displayFile(configPath)}`,
    );
  }
  const errors = diagnostics.length === 1 ? '1 type error' : `${diagnostics.length} type errors`;
  const config = configPath === undefined ? 'default options' : displayFile(configPath);
  throw new SdkError('type-check-failed', `${errors} in ${displayFile(entry)} (checked with ${config}):\n${lines.join('\n')}`);
}

function compilerOptions(
  ts: TypeScript,
  configPath: string | undefined,
  baseDir: string,
): { options: import('typescript').CompilerOptions; configErrors: readonly import('typescript').Diagnostic[] } {
  if (configPath === undefined) {
    const { options, errors } = ts.convertCompilerOptionsFromJson(DEFAULT_OPTIONS, baseDir);
    return { options, configErrors: errors };
  }
  const configErrors: import('typescript').Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => configErrors.push(diagnostic),
    },
  );
  // A tsconfig whose `include` matches no file is fine here: the entry is the root.
  const relevant = (parsed?.errors ?? []).filter((diagnostic) => diagnostic.code !== 18003);
  return { options: parsed?.options ?? {}, configErrors: [...configErrors, ...relevant] };
}

function formatDiagnostic(ts: TypeScript, diagnostic: import('typescript').Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const file = displayFile(diagnostic.file.fileName);
  return `${file}:${line + 1}:${character + 1} - error TS${diagnostic.code}: ${message}`;
}
