/**
 * Projects written into an installation's temp folder, as a user would write them: an actor project depending on the
 * packed SDK, and a consumer that imports the public APIs of every library package.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Installation } from './installation.js';

/** Writes `files` (relative path → text) under `dir`. */
export async function writeFiles(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/**
 * A counter actor in TypeScript with raw WIT exports, using `@theater/sdk/guest` for its JSON state: it counts the
 * messages it is sent and answers any request with the count. Its manifest grants runtime and message-server only.
 */
export function counterActorFiles(installation: Installation, name: string): Record<string, string> {
  return {
    'package.json': `${JSON.stringify(
      { name, private: true, type: 'module', dependencies: { '@theater/sdk': `file:${installation.tarballOf('@theater/sdk')}` } },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['@theater/sdk/wit-types'],
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
    'manifest.toml': [
      `name = "${name}"`,
      'version = "0.1.0"',
      `component = "./dist/${name}.wasm"`,
      '',
      '[[handler]]',
      'type = "runtime"',
      '',
      '[[handler]]',
      'type = "message-server"',
      '',
    ].join('\n'),
    'src/index.ts': `/** Counts the messages it is sent; answers every request with the count. @world message-receiver-actor */
import { log } from 'theater:simple/runtime';
import { decodeJson, encodeJson, encodeText } from '@theater/sdk/guest';

type State = Uint8Array | undefined;
const count = (state: State): number => decodeJson(state, 0);

export const actor = {
  init(state: State, [id]: [string]): [State] {
    log(\`counter \${id} starts at \${count(state)}\`);
    return [state ?? encodeJson(0)];
  },
};

export const messageServerClient = {
  handleSend(state: State, [message]: [Uint8Array]): [State] {
    log(\`got \${new TextDecoder().decode(message)}\`);
    return [encodeJson(count(state) + 1)];
  },
  handleRequest(state: State, [_requestId, _request]: [string, Uint8Array]): [State, [Uint8Array | undefined]] {
    return [state, [encodeText(String(count(state)))]];
  },
  handleChannelOpen(state: State, _params: [string, Uint8Array]): [State, [{ accepted: boolean; message: Uint8Array | undefined }]] {
    return [state, [{ accepted: false, message: undefined }]];
  },
  handleChannelMessage(state: State, _params: [string, Uint8Array]): [State] {
    return [state];
  },
  handleChannelClose(state: State, _params: [string]): [State] {
    return [state];
  },
};
`,
  };
}

/**
 * A consumer of every library package's public API, type-checked with `skipLibCheck: false`: declarations that import
 * files missing from a tarball, or WIT types lost on the way (`keyof HostInterfaces` widening to `string`), fail it.
 */
export const consumerFiles: Readonly<Record<string, string>> = {
  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2023',
        // A Node project's libs: no DOM, so the packages' declarations may not lean on it (e.g. for WebAssembly).
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['consumer.ts'],
    },
    null,
    2,
  )}\n`,
  'consumer.ts': `import { createActorSystem, isKernelError, WIT_INTERFACES, type ActorSystem, type HandlerDefinition, type HostInterfaces } from '@theater/kernel';
import { defaultHandlers, runtimeHandler, storeHandler } from '@theater/handlers';
import { openMemoryChainStore, verifyChain, type ChainEvent } from '@theater/event-chain';
import { createRestartIntensity, planRestart, SUPERVISION_STRATEGIES, type SupervisionStrategy } from '@theater/supervision';
import { buildActor, isSdkError, witPath, type BuildActorOptions } from '@theater/sdk';
import { ActorError, decodeJson, encodeJson } from '@theater/sdk/guest';

// Host types come from the WIT: an unknown interface, or a wrong argument, is a compile error.
const log: HostInterfaces['theater:simple/runtime']['log'] = (message: string) => {
  console.log(message);
};
// @ts-expect-error the WIT has no such interface
export type NoSuchInterface = HostInterfaces['theater:simple/no-such-interface'];
// @ts-expect-error log takes a string
log(42);
const provided: readonly (keyof HostInterfaces)[] = ['theater:simple/runtime', 'theater:simple/message-server-host', 'theater:simple/store'];
// @ts-expect-error not a theater:simple interface
const notProvided: keyof HostInterfaces = 'theater:simple/nothing';

const handlers: readonly HandlerDefinition[] = [...defaultHandlers(), runtimeHandler, storeHandler];
const strategy: SupervisionStrategy = SUPERVISION_STRATEGIES[0];
const options: BuildActorOptions = { entry: 'src/index.ts', world: 'message-receiver-actor', witPath };
const events: ChainEvent[] = [];

export const uses = [
  createActorSystem, isKernelError, WIT_INTERFACES, provided, notProvided, handlers, openMemoryChainStore, verifyChain,
  events, createRestartIntensity, planRestart, strategy, buildActor, isSdkError, options, ActorError, decodeJson, encodeJson,
] as const;
export type System = ActorSystem;
`,
};

/**
 * A journal actor using four capabilities (runtime, message-server, timing, store): each note is stamped with the
 * time and kept in a content store under its own label; requests read them back. Written with `defineActor`, no WIT:
 * `theater build` derives its world from the manifest, which grants exactly those four handlers.
 */
export function journalActorFiles(name: string): Record<string, string> {
  return {
    'manifest.toml': [
      '#:schema ./node_modules/@theater/handlers/dist/manifest.schema.json',
      `name = "${name}"`,
      'version = "0.1.0"',
      `component = "dist/${name}.wasm"`,
      '',
      ...['runtime', 'message-server', 'timing', 'store'].flatMap((type) => ['[[handler]]', `type = "${type}"`, '']),
    ].join('\n'),
    'src/index.ts': `import { log } from 'theater:simple/runtime';
import { now } from 'theater:simple/timing';
import { get, getByLabel, new as newStore, storeAtLabel } from 'theater:simple/store';
import { defineActor, reply, replyError } from '@theater/sdk/guest';

interface Journal {
  store: string | null;
  entries: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export default defineActor({
  state: (): Journal => ({ store: null, entries: 0 }),
  init: (journal) => (journal.store === null ? { ...journal, store: newStore() } : journal),
  onSend(journal, { note }: { note: string }) {
    const entry = { at: Number(now()), note };
    storeAtLabel(journal.store!, \`entry-\${journal.entries}\`, encoder.encode(JSON.stringify(entry)));
    log(\`entry \${journal.entries}: \${note}\`);
    return { ...journal, entries: journal.entries + 1 };
  },
  onRequest(journal, _query: { entries: true }) {
    const entries: { at: number; note: string }[] = [];
    for (let index = 0; index < journal.entries; index += 1) {
      const ref = getByLabel(journal.store!, \`entry-\${index}\`);
      if (ref === undefined) return replyError(journal, { code: 'missing-entry', message: \`entry \${index} is not in the store\` });
      entries.push(JSON.parse(decoder.decode(get(journal.store!, ref))) as { at: number; note: string });
    }
    return reply(journal, entries);
  },
});
`,
  };
}
