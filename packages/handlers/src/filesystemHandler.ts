/**
 * The `filesystem` handler: files under the directory `path` of the actor's grant (its root), and the commands of
 * `allowed_commands` run there. Every path is confined on every call (see filesystem/confinedRoot.ts); with
 * `read_only` only reading functions are allowed. The root must exist when the actor starts.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  boolean,
  handlerType,
  HostCallError,
  isInside,
  KernelError,
  nonEmptyString,
  stringList,
  table,
  type HandlerDefinition,
  type HostInterfaces,
  type Manifest,
} from '@theater/kernel';
import { at } from './confinement/verifiedHandle.js';
import { createConfinedRoot, type ConfinedRoot } from './filesystem/confinedRoot.js';
import { createFileOperations, type FileOperations } from './filesystem/fileOperations.js';
import { killGroup, runCommand, type CommandResult, type RunningCommands } from './filesystem/runCommand.js';

type FilesystemHost = Pick<HostInterfaces, 'theater:simple/filesystem'>;

/** The longest a command may run, whatever the actor's call timeout. */
export const MAX_COMMAND_MS = 30_000;

/** The grant's root, as an absolute path (not yet resolving symlinks). */
function rootOf(manifest: Manifest, config: FilesystemHandlerConfig): string {
  return resolve(manifest.baseDir ?? process.cwd(), config.path);
}

/** A command's time: the actor's call timeout less a margin for the call's own work, at most MAX_COMMAND_MS. */
function commandTimeoutMs(callTimeoutMs: number): number {
  return Math.min(MAX_COMMAND_MS, callTimeoutMs - Math.min(1_000, Math.floor(callTimeoutMs / 4)));
}

/** `type = "filesystem"`: files under `path` (as written; relative to the manifest's `baseDir`). */
export interface FilesystemHandlerConfig {
  readonly type: 'filesystem';
  readonly path: string;
  readonly allowedCommands: readonly string[];
  readonly readOnly: boolean;
}

const configSchema = table({
  type: handlerType('filesystem'),
  path: nonEmptyString().describe(
    "The root directory the actor's paths are confined to, relative to this manifest's directory or absolute; " +
      'it must exist when the actor starts.',
  ),
  allowed_commands: stringList().default([]).describe('Commands execute-command may run, in the root directory; none by default.'),
  read_only: boolean().default(false).describe('Whether writing, deleting and creating under the root is refused.'),
}).transform(
  (v): FilesystemHandlerConfig => ({
    type: 'filesystem',
    path: v.path,
    allowedCommands: v.allowed_commands,
    readOnly: v.read_only,
  }),
);

/** Grants `theater:simple/filesystem`, confined to the grant's `path`. */
export const filesystemHandler: HandlerDefinition<FilesystemHandlerConfig> = {
  type: 'filesystem',
  description: 'Files under one root directory (theater:simple/filesystem).',
  config: configSchema,
  provides: ['theater:simple/filesystem'],
  requiredExports: {},

  async admit({ manifest, config, field, parent }) {
    // Handles are verified through /proc/self/fd; without it paths could not be confined against swapped symlinks.
    if (process.platform !== 'linux')
      throw new KernelError(
        'invalid-grant',
        `${field()}: the filesystem handler confines paths through /proc/self/fd, which only Linux provides`,
      );
    const root = rootOf(manifest, config);
    const stats = await stat(root).catch(() => undefined);
    if (stats === undefined) throw new KernelError('invalid-grant', `${field('path')}: filesystem root ${root} does not exist`);
    if (!stats.isDirectory()) throw new KernelError('invalid-grant', `${field('path')}: filesystem root ${root} is not a directory`);
    // The kernel compared the roots as written; a symlink inside the parent's root could still lead the child out.
    if (parent?.config !== undefined) {
      const [real, parentReal] = await Promise.all([
        realpath(root),
        realpath(rootOf(parent.manifest, parent.config)).catch(() => undefined),
      ]);
      if (parentReal === undefined || !isInside(real, parentReal)) {
        throw new KernelError(
          'permission-denied',
          `${field('path')}: child ${manifest.name}'s filesystem root ${root} leads to ${real}, outside its parent's root ${parentReal ?? rootOf(parent.manifest, parent.config)}`,
        );
      }
    }
  },

  // Compares the roots as written; admit then compares their real paths.
  excess(wanted, held, { child, parent }) {
    const root = rootOf(child, wanted);
    const parentRoot = rootOf(parent, held);
    if (!isInside(root, parentRoot)) return `path ${root} is outside the parent's ${parentRoot}`;
    const commands = wanted.allowedCommands.filter((command) => !held.allowedCommands.includes(command));
    if (commands.length > 0) return `allowed_commands ${commands.join(', ')} are not the parent's`;
    if (held.readOnly && !wanted.readOnly) return "read_only is off, but the parent's files are read-only";
    return undefined;
  },

  create({ manifest, config, onExit }): FilesystemHost {
    const rootPath = rootOf(manifest, config);
    // The root's real path, fixed now: a root later replaced by a symlink leads outside it.
    const root: Promise<ConfinedRoot> = realpath(rootPath).then(createConfinedRoot);
    root.catch(() => {});
    const files: Promise<FileOperations> = root.then(createFileOperations);
    files.catch(() => {});
    const ready = async <T>(promise: Promise<T>): Promise<T> =>
      promise.catch(() => {
        throw new HostCallError(`the filesystem root ${rootPath} no longer exists`);
      });
    const running: RunningCommands = new Set();
    onExit(() => running.forEach(killGroup));

    const writable = (fn: string, subject: string): void => {
      if (config.readOnly)
        throw new HostCallError(`permission-denied: ${fn} ${JSON.stringify(subject)}: the filesystem grant is read-only`);
    };

    const executeCommand = async (dir: string, command: string, args: string[]): Promise<CommandResult> => {
      writable('execute-command', command);
      if (!config.allowedCommands.includes(command))
        throw new HostCallError(`permission-denied: command ${JSON.stringify(command)} is not in allowed_commands`);
      const confined = await ready(root);
      const located = await confined.locate(dir);
      if (located.missing.length > 0) throw new HostCallError(`no such directory ${JSON.stringify(dir)}`);
      const directory = await confined.openDirectory(located.real, dir);
      try {
        // The command starts in the directory the verified handle names, whatever its path has become since.
        return await runCommand(
          { command, args, cwd: at(directory), home: confined.real, timeoutMs: commandTimeoutMs(manifest.limits.callTimeoutMs) },
          running,
        );
      } finally {
        await directory.close();
      }
    };

    return {
      'theater:simple/filesystem': {
        readFile: async (path) => (await ready(files)).readFile(path),
        writeFile: async (path, content) => {
          writable('write-file', path);
          return (await ready(files)).writeFile(path, content);
        },
        listFiles: async (path) => (await ready(files)).listFiles(path),
        deleteFile: async (path) => {
          writable('delete-file', path);
          return (await ready(files)).deleteFile(path);
        },
        createDir: async (path) => {
          writable('create-dir', path);
          return (await ready(files)).createDir(path);
        },
        deleteDir: async (path) => {
          writable('delete-dir', path);
          return (await ready(files)).deleteDir(path);
        },
        pathExists: async (path) => (await ready(files)).pathExists(path),
        executeCommand,
      },
    };
  },
};
