/**
 * filer (world filer-actor): calls every `filesystem` function from text requests; replies what the host returned
 * (`error:<message>` for an `err`). Words are separated by single spaces; a path is one word (`""` when left empty).
 *
 * - `read <p>` (the content as UTF-8 text), `write <p> <text...>` (`ok`), `ls <p>` (names, JSON), `rm <p>`,
 *   `mkdir <p>`, `rmdir <p>` (`ok`), `exists <p>` (`true`/`false`);
 * - `exec <dir> <cmd> <args...>`: the command-result as JSON (`{"tag":"success","val":{…}}` or `{"tag":"error",…}`).
 */
import { createDir, deleteDir, deleteFile, executeCommand, listFiles, pathExists, readFile, writeFile } from 'theater:simple/filesystem';
import { decodeText } from '@theater/sdk/guest';
import { attempt } from './shared/attempt.js';
import { commandServer, statelessActor } from './shared/commandActor.js';

function command(text: string): string {
  const [verb = '', path = '', ...rest] = text.split(' ');
  switch (verb) {
    case 'read':
      return attempt(() => decodeText(readFile(path)));
    case 'write':
      return attempt(() => (writeFile(path, rest.join(' ')), 'ok'));
    case 'ls':
      return attempt(() => JSON.stringify(listFiles(path)));
    case 'rm':
      return attempt(() => (deleteFile(path), 'ok'));
    case 'mkdir':
      return attempt(() => (createDir(path), 'ok'));
    case 'rmdir':
      return attempt(() => (deleteDir(path), 'ok'));
    case 'exists':
      return attempt(() => String(pathExists(path)));
    case 'exec': {
      const [program = '', ...args] = rest;
      return attempt(() => JSON.stringify(executeCommand(path, program, args)));
    }
    default:
      return `unknown command ${verb}`;
  }
}

export const actor = statelessActor;

export const messageServerClient = commandServer(command);
