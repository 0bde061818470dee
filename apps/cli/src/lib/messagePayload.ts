/**
 * The payload of `theater message send|request`: a text argument, `--json <value>` or `--file <path>` (exactly one),
 * and how a reply or received message is shown under `--json`.
 *
 * `--json` is also every command's JSON-output flag. The two are told apart from the raw argv: `--json` right after
 * the actor id and before any text, followed by a value that is not a flag, is the payload (`--json=<value>` always
 * is); any other `--json` asks for JSON output.
 */
import { readFile } from 'node:fs/promises';
import type { Payload } from '@theater/client';
import { CommandFailure } from './commandFailure.js';
import { decodeBytes } from './decodeBytes.js';
import { EXIT } from './exitCodes.js';

/** Flags of these commands that take a value (their value is no positional argument). */
const VALUE_FLAGS: ReadonlySet<string> = new Set(['--server', '--home', '--file', '-f']);

/**
 * Takes the `--json <value>` payload out of `argv` (a command's argv, without its id): what is left is for oclif,
 * where a remaining `--json` is the output flag.
 * @example
 * takeJsonPayload(['abcd', '--json', '{"add":1}', '--json']); // { argv: ['abcd', '--json'], json: '{"add":1}' }
 * takeJsonPayload(['abcd', 'hello', '--json']); // { argv: ['abcd', 'hello', '--json'], json: undefined }
 */
export function takeJsonPayload(argv: readonly string[]): { argv: string[]; json: string | undefined } {
  const kept: string[] = [];
  let json: string | undefined;
  let positionals = 0;
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index]!;
    if (token === '--') {
      kept.push(...argv.slice(index));
      break;
    }
    if (json === undefined && token.startsWith('--json=')) {
      json = token.slice('--json='.length);
      continue;
    }
    const next = argv[index + 1];
    // Right after the id only: before it, or after a text argument, it is the output flag.
    if (json === undefined && token === '--json' && positionals === 1 && next !== undefined && !next.startsWith('-')) {
      json = next;
      index += 1;
      continue;
    }
    kept.push(token);
    if (VALUE_FLAGS.has(token)) {
      if (next !== undefined) kept.push(next);
      index += 1;
    } else if (!token.startsWith('-')) {
      positionals += 1;
    }
  }
  return { argv: kept, json };
}

/** The payload the arguments name; `invalid-payload` (exit 2) unless exactly one is given and it is usable. */
export async function resolvePayload(given: {
  readonly text: string | undefined;
  readonly json: string | undefined;
  readonly file: string | undefined;
}): Promise<Payload> {
  const count = [given.text, given.json, given.file].filter((value) => value !== undefined).length;
  if (count !== 1) {
    throw payloadFailure(
      count === 0
        ? 'give the message: a text argument, --json <value> or --file <path>'
        : 'give only one of a text argument, --json <value> and --file <path>',
    );
  }
  if (given.text !== undefined) return given.text;
  if (given.json !== undefined) {
    try {
      return { json: JSON.parse(given.json) as unknown };
    } catch (error) {
      throw payloadFailure(
        `--json ${given.json} is not JSON (${(error as Error).message}); to send it as text with JSON output, put the text before --json`,
      );
    }
  }
  try {
    const bytes = await readFile(given.file!);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CommandFailure(EXIT.badInput, [`file-unreadable: ${given.file}: ${reason}`], {
      error: { code: 'file-unreadable', message: `${given.file}: ${reason}`, file: given.file },
    });
  }
}

/** Bytes under `--json`: always base64, plus the text when it is printable UTF-8 and the value when that is JSON. */
export interface BytesJson {
  readonly text?: string;
  readonly json?: unknown;
  readonly base64: string;
}

export function toBytesJson(bytes: Uint8Array): BytesJson {
  const decoded = decodeBytes(bytes);
  return {
    ...(decoded.text === undefined ? {} : { text: decoded.text }),
    ...(decoded.json === undefined ? {} : { json: decoded.json.value }),
    base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}

function payloadFailure(message: string): CommandFailure {
  return new CommandFailure(EXIT.badInput, [`invalid-payload: ${message}`], { error: { code: 'invalid-payload', message } });
}
