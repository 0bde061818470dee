/**
 * Turns manifest text (or a manifest file) into a validated {@link Manifest}, or throws a {@link ManifestError}
 * listing every problem found, each with its field and line.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { readRegularFile } from '../files/readRegularFile.js';
import { toHandlerRegistry, type HandlerSource } from '../handlerRegistry.js';
import { findDuplicateHandlers } from './handlerTableSchema.js';
import { fieldName, rememberSource } from './fieldLocation.js';
import { createLineLocator, type LineLocator } from './locateLine.js';
import type { Manifest } from './manifest.js';
import { ManifestError, type ManifestProblem } from './manifestError.js';
import { manifestSchema } from './manifestSchema.js';

/** The largest manifest file read; manifests are a few hundred bytes. */
export const MAX_MANIFEST_BYTES = 2 ** 20;

/** Options of {@link loadManifest}. */
export interface LoadManifestOptions {
  /**
   * The handlers a manifest may grant (`ActorSystem.handlers`, or definitions such as `defaultHandlers()`): each
   * `[[handler]]` table is validated by the schema of the handler its `type` names.
   */
  readonly handlers: HandlerSource;
}

/** Options of {@link parseManifest}. */
export interface ParseManifestOptions extends LoadManifestOptions {
  /** The manifest's directory, against which a relative `component` path resolves. */
  readonly baseDir?: string | undefined;
  /** Where the text came from (a file path), to name in error messages. */
  readonly source?: string | undefined;
}

/**
 * Parses and validates a TOML manifest.
 *
 * @example
 * const manifest = parseManifest(text, { handlers: system.handlers, baseDir: '/srv/actors/counter', source: 'counter.toml' });
 * manifest.limits.memoryMb; // 256 unless the manifest says otherwise
 */
export function parseManifest(text: string, options: ParseManifestOptions): Manifest {
  const { source } = options;
  const handlers = toHandlerRegistry(options.handlers);
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    throw new ManifestError([tomlProblem(error)], source, { cause: error });
  }

  const result = manifestSchema(handlers).safeParse(document);
  const duplicates = findDuplicateHandlers(isRecord(document) ? document['handler'] : undefined, handlers);
  if (!result.success || duplicates.length > 0) {
    const locate = createLineLocator(text);
    const issues = result.success ? [] : result.error.issues;
    const problems = [
      ...issues.flatMap((issue) => issueProblems(issue, locate)),
      ...duplicates.map((duplicate) => problem(duplicate.path, duplicate.message, locate)),
    ];
    throw new ManifestError(sortByLine(unique(problems)), source, { cause: result.error });
  }

  const baseDir = options.baseDir === undefined ? undefined : resolve(options.baseDir);
  const manifest: Manifest = { ...result.data, componentPath: componentPath(result.data.component, baseDir), baseDir };
  rememberSource(manifest, text);
  return manifest;
}

/**
 * Reads and parses the manifest file at `path`; relative paths in it resolve against its directory.
 *
 * @example
 * const manifest = await loadManifest('examples/counter/manifest.toml', { handlers: defaultHandlers() });
 */
export async function loadManifest(path: string, options: LoadManifestOptions): Promise<Manifest> {
  const read = await readRegularFile(path, MAX_MANIFEST_BYTES);
  if (!read.ok) {
    const message = read.problem === 'missing' ? 'no manifest file at this path' : `the manifest file ${read.detail}`;
    throw new ManifestError([{ field: '(file)', message }], path, {
      cause: read.cause,
      code: read.problem === 'too-large' ? 'invalid-manifest' : 'manifest-not-found',
    });
  }
  const text = new TextDecoder().decode(read.bytes);
  return parseManifest(text.replace(/^\uFEFF/, ''), { handlers: options.handlers, baseDir: dirname(resolve(path)), source: path });
}

function tomlProblem(error: TomlError): ManifestProblem {
  const summary = (error.message.split('\n')[0] ?? error.message).replace(/^Invalid TOML document: /, '');
  return { field: '(toml)', message: `invalid TOML: ${summary}`, line: error.line, column: error.column };
}

/** One problem per issue, except unknown keys: one problem per key, so each names its own field. */
function issueProblems(issue: z.core.$ZodIssue, locate: LineLocator): ManifestProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => problem([...issue.path, key], issue.message, locate));
  }
  return [problem(issue.path, issue.message, locate)];
}

function problem(path: readonly PropertyKey[], message: string, locate: LineLocator): ManifestProblem {
  const line = locate(path);
  const field = fieldName(path);
  return line === undefined ? { field, message } : { field, message, line };
}

/** A value failing several checks of one schema reports the same message more than once. */
function unique(problems: readonly ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** In reading order; problems with no line (missing top-level fields) first. */
function sortByLine(problems: ManifestProblem[]): ManifestProblem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** A component with a URI scheme (`store:…`, `https://…`) is a reference, not a path. */
function componentPath(component: string, baseDir: string | undefined): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(component)) return undefined;
  if (isAbsolute(component)) return resolve(component);
  return baseDir === undefined ? undefined : resolve(baseDir, component);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}
