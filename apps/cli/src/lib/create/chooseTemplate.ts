/** Which template `theater create` uses when `--template` is not given: asked on a terminal, else `basic`. */
import { cancel, isCancel, select } from '@clack/prompts';
import { CommandFailure } from '../commandFailure.js';
import { EXIT } from '../exitCodes.js';
import { TEMPLATE_NAMES, TEMPLATES, type TemplateName } from './templates.js';

/** Asks for the template when `interactive` and stdin and stdout are terminals; otherwise `basic`. */
export async function chooseTemplate(interactive: boolean): Promise<TemplateName> {
  if (!interactive || process.stdin.isTTY !== true || process.stdout.isTTY !== true) return 'basic';
  const choice = await select<TemplateName>({
    message: 'Which template?',
    options: TEMPLATE_NAMES.map((name) => ({ value: name, label: name, hint: TEMPLATES[name].shows })),
    initialValue: 'basic',
  });
  if (isCancel(choice)) {
    cancel('Nothing created.');
    throw new CommandFailure(EXIT.badInput, ['cancelled: nothing created'], { error: { code: 'cancelled', message: 'nothing created' } });
  }
  return choice;
}
