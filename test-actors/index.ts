/**
 * @theater/test-actors: actors the test suites run, built by `pnpm build:actors` (build.ts) into `dist/`.
 *
 * @example
 * const manifest = testActorManifest('echo'); // absolute path of manifests/echo.toml
 */
import { fileURLToPath } from 'node:url';

export {
  startFakeLlmServer,
  type ChatMessage,
  type ChatRequest,
  type ChatScript,
  type ChatTool,
  type ChatToolCall,
  type FakeLlmServer,
  type FakeLlmServerOptions,
  type ReceivedChat,
  type ScriptedReply,
} from './fakeLlmServer.js';
export { testServer, type Received, type TestServer } from './testServer.js';
export { dial } from './dial.js';
export { snapshot } from './snapshot.js';

/** Every test actor; README.md says what each does. */
export const TEST_ACTORS = [
  'echo',
  'init-error',
  'trapper',
  'needs-store',
  'bad-export',
  'spinner',
  'memory-bomb',
  'small',
  'wasi-stdio',
  'messenger',
  'overseer',
  'probe',
  'keeper',
  'filer',
  'fetcher',
  'spawner',
  'webserver',
  'notebook',
  'bell',
  'pinger',
] as const;

/** The name of a test actor. */
export type TestActorName = (typeof TEST_ACTORS)[number];

/** True when `name` is a test actor's name. */
export function isTestActorName(name: string): name is TestActorName {
  return (TEST_ACTORS as readonly string[]).includes(name);
}

/** Absolute path of the actor's manifest, `manifests/<name>.toml`. */
export function testActorManifest(name: TestActorName): string {
  return fileURLToPath(new URL(`./manifests/${checked(name)}.toml`, import.meta.url));
}

/** Absolute path of the actor's built component, `dist/<name>.wasm` (run `pnpm build:actors` first). */
export function testActorComponent(name: TestActorName): string {
  return fileURLToPath(new URL(`./dist/${checked(name)}.wasm`, import.meta.url));
}

function checked(name: string): TestActorName {
  if (!isTestActorName(name)) throw new RangeError(`expected one of ${TEST_ACTORS.join(', ')}, got ${JSON.stringify(name)}`);
  return name;
}
