/** `theater start --state`: a JSON value, or `@<file>` for a file's raw bytes. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';

/** What the server gives the actor: the UTF-8 JSON of a value, or bytes as they are. */
export type InitialState = Uint8Array | { readonly json: unknown };

/** The state `--state` names; a value that is not JSON, or a file that cannot be read, is bad input (exit 2). */
export async function readInitialState(given: string): Promise<InitialState> {
  if (given.startsWith('@')) {
    const path = resolve(given.slice(1));
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no file at this path' : (error as Error).message;
      const message = `--state @${given.slice(1)}: cannot read ${path}: ${reason}`;
      throw new CommandFailure(
        EXIT.badInput,
        [`invalid-state: ${message}`],
        { error: { code: 'invalid-state', message } },
        { cause: error },
      );
    }
  }
  try {
    return { json: JSON.parse(given) as unknown };
  } catch (error) {
    const message = `--state is not JSON (${(error as Error).message}): give a JSON value, e.g. --state '{"count":1}' or --state '"text"', or @<file> for a file's bytes`;
    throw new CommandFailure(EXIT.badInput, [`invalid-state: ${message}`], { error: { code: 'invalid-state', message } }, { cause: error });
  }
}
