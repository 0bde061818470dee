/** `theater create`: a new actor project from a template, ready to build and run. */
import { readdir, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import pc from 'picocolors';
import { CommandFailure } from '../lib/commandFailure.js';
import { chooseTemplate } from '../lib/create/chooseTemplate.js';
import { theaterDependencies } from '../lib/create/theaterDependencies.js';
import { TEMPLATE_NAMES, TEMPLATES, type TemplateName } from '../lib/create/templates.js';
import { writeProject } from '../lib/create/writeProject.js';
import { displayPath } from '../lib/displayPath.js';
import { EXIT } from '../lib/exitCodes.js';
import { TheaterCommand } from '../lib/theaterCommand.js';

/** What `theater create --json` prints. */
export interface CreateJson {
  readonly name: string;
  readonly template: TemplateName;
  readonly dir: string;
  readonly files: readonly string[];
  /** The `@theater/sdk` dependency written to package.json. */
  readonly sdk: string;
  /** The commands to run next, from the current directory. */
  readonly next: readonly string[];
}

/** A project name: what npm and manifests accept, and safe as a directory name. */
const NAME = /^[a-z][a-z0-9-]{0,63}$/u;

export default class Create extends TheaterCommand {
  static override summary = 'Create a new actor project from a template.';

  static override description =
    `Writes a standalone TypeScript project into --dir (default ./<name>): package.json (depending on @theater/sdk, and @theater/cli for the theater command), tsconfig.json wired to the theater:simple types, src/index.ts written with defineActor, manifest.toml granting exactly what the actor uses, a README and a .gitignore. The directory must not exist or be empty.

Templates: ${TEMPLATE_NAMES.join(', ')}. On a terminal, create asks for the template when --template is not given; otherwise the default is basic.

Exit codes: 0 ok; 1 the project could not be written (nothing is left behind); 2 bad input (an invalid name or template, a directory that is not empty or cannot be read).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> notes',
    '<%= config.bin %> <%= command.id %> web --template http-server --dir actors/web',
    '<%= config.bin %> <%= command.id %> room --template message-server --json',
    '<%= config.bin %> <%= command.id %> helper --template agent',
  ];

  static override args = {
    name: Args.string({ description: 'The actor name (lowercase letters, digits and dashes).', required: true }),
  };

  static override flags = {
    template: Flags.string({
      char: 't',
      description: 'Template to start from. Default: asked on a terminal, else basic.',
      options: TEMPLATE_NAMES,
    }),
    dir: Flags.string({ description: 'Directory to create. Default: ./<name>.' }),
  };

  async run(): Promise<CreateJson> {
    const { args, flags } = await this.parse(Create);
    if (!NAME.test(args.name)) {
      throw badInput(
        'invalid-name',
        `invalid actor name ${JSON.stringify(args.name)}: use lowercase letters, digits and dashes, starting with a letter (at most 64)`,
      );
    }
    const dir = resolve(flags.dir ?? args.name);
    const existed = await assertEmptyOrMissing(dir);
    const template = (flags.template as TemplateName | undefined) ?? (await chooseTemplate(!this.jsonEnabled()));
    const dependencies = await theaterDependencies(dir);
    const files = await writeProject(dir, args.name, template, dependencies).catch(async (error: unknown) => {
      // Nothing half-written stays behind: the directory was missing or empty.
      await removeProject(dir, existed);
      const message = `cannot write the project into ${dir}: ${error instanceof Error ? error.message : String(error)}`;
      throw new CommandFailure(EXIT.failed, [`create-failed: ${message}`], { error: { code: 'create-failed', message } }, { cause: error });
    });

    const where = relative(process.cwd(), dir) || '.';
    const next = [
      ...(where === '.' ? [] : [`cd ${where}`]),
      dependencies.workspace ? 'pnpm install' : 'npm install',
      'npm run build',
      TEMPLATES[template].run,
    ];
    this.log(`${pc.green('✔')} created ${args.name} ${pc.dim(`(${template})`)} in ${displayPath(dir)}`);
    for (const file of files) this.log(`  ${pc.dim(file)}`);
    this.log('');
    this.log('Next:');
    for (const command of next) this.log(`  ${command}`);
    return { name: args.name, template, dir, files, sdk: dependencies.sdk, next };
  }
}

/** Whether `dir` exists (empty); refuses one that is not empty or not a directory. */
async function assertEmptyOrMissing(dir: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') throw badInput('not-a-directory', `${dir} cannot be a directory: it, or a folder on its path, is a file`);
    throw badInput('directory-unreadable', `cannot read ${dir}: ${(error as Error).message}`);
  }
  if (entries.length > 0) throw badInput('directory-not-empty', `${dir} is not empty (${entries.length} entries); choose another --dir`);
  return true;
}

/** Removes what a failed create wrote: the directory it made, or the contents of the empty one it was given. */
async function removeProject(dir: string, existed: boolean): Promise<void> {
  if (!existed) return rm(dir, { recursive: true, force: true });
  const entries = await readdir(dir).catch(() => []);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}

function badInput(code: string, message: string): CommandFailure {
  return new CommandFailure(EXIT.badInput, [`${code}: ${message}`], { error: { code, message } });
}
