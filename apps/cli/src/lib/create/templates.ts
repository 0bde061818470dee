/** The project templates `theater create` knows, and where their files are (apps/cli/templates, shipped in the package). */
import { fileURLToPath } from 'node:url';

/** A template's name, as given to `--template`. */
export type TemplateName = 'basic' | 'message-server' | 'supervisor' | 'http-server' | 'agent';

/** A template: what it shows (the prompt's hint) and how its README starts the actor (printed as the next step). */
export interface Template {
  readonly shows: string;
  readonly run: string;
}

/** Every template; the order is the prompt's. */
export const TEMPLATES: Readonly<Record<TemplateName, Template>> = {
  basic: {
    shows: 'typed state, messages and requests, and log lines',
    run: `npx theater run manifest.toml --send '{"note":"hello"}' --request '{"list":true}'`,
  },
  'message-server': {
    shows: 'send, request and channels between actors',
    run: `npx theater run manifest.toml --send '{"post":"hello"}' --request '{"history":true}'`,
  },
  supervisor: {
    shows: 'spawns and supervises a worker, and hears of its failures',
    run: `npx theater run manifest.toml --send '{"work":"job-1"}' --request '{"status":true}'`,
  },
  'http-server': {
    shows: 'serves a page and a JSON API through http-framework',
    run: `npx theater run manifest.toml --request '{"url":true}'`,
  },
  agent: {
    shows: 'talks to an OpenAI-compatible model and answers its tool calls with granted host calls',
    run: `OPENAI_API_KEY=… npx theater run manifest.toml --request '{"ask":"What is the date today?"}'`,
  },
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
