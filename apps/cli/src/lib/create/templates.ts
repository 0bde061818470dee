/** The project templates `theater create` knows, and where their files are (apps/cli/templates, shipped in the package). */
import { fileURLToPath } from 'node:url';

/** A template's name, as given to `--template`. */
export type TemplateName = 'basic' | 'message-server' | 'supervisor' | 'http-server' | 'agent';

/** What each template shows; the order is the prompt's. */
export const TEMPLATES: Readonly<Record<TemplateName, string>> = {
  basic: 'typed state, messages and requests, and log lines',
  'message-server': 'send, request and channels between actors',
  supervisor: 'spawns and supervises a worker, and hears of its failures',
  'http-server': 'serves a page and a JSON API through http-framework',
  agent: 'talks to an OpenAI-compatible model and answers its tool calls with granted host calls',
};

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** The folder of `template`'s files (the same relative path from `src/` and `dist/`). */
export function templateDir(template: TemplateName): string {
  return fileURLToPath(new URL(`../../../templates/${template}/`, import.meta.url));
}

/** Files every template gets. */
export function commonTemplateDir(): string {
  return fileURLToPath(new URL('../../../templates/common/', import.meta.url));
}
