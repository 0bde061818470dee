/** The supervisor handler through the conformance suite, driven by the overseer test actor. */
import { dirname } from 'node:path';
import { expect } from 'vitest';
import { defaultHandlers, supervisorHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';
import { testActorManifest } from '@theater/test-actors';

/** A child asking for timing, which the overseer does not hold. */
const GREEDY_CHILD = 'name = "greedy"\nversion = "0.1.0"\ncomponent = "dist/echo.wasm"\n[[handler]]\ntype = "timing"';

testHandlerConformance({
  definition: supervisorHandler,
  handlers: defaultHandlers(),
  // A supervisor loads its children only from inside its own directory: here the test-actors package, holding
  // manifests/ and dist/.
  manifest: async (_, load) => ({
    ...(await load(testActorManifest('overseer'))),
    baseDir: dirname(dirname(testActorManifest('overseer'))),
  }),
  async drive({ ask }) {
    const child = await ask('spawn manifests/echo.toml');
    expect(child).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ask('children')).toBe(JSON.stringify([child]));
    expect(await ask(`state ${child}`)).toBe('{"count":0}');
    expect(await ask(`events ${child}`)).toMatch(/actor\.spawn/);
    expect(await ask(`restart ${child}`)).toBe('ok');
    expect(await ask(`stop ${child}`)).toBe('ok');
    expect(await ask('children')).toBe('[]');
  },
  denial: {
    request: `spawn ${GREEDY_CHILD}`,
    function: 'spawn',
    error: /^permission-denied: child greedy asks for more than its parent overseer holds/,
  },
  invalidConfigs: [{ table: 'type = "supervisor"\nmax_children = 3', field: 'max_children' }],
  excess: {
    anyGrantHoldsAnother: "a supervisor grant has no options; each child is compared with its parent's grants when spawned",
    grant: { type: 'supervisor' },
  },
});
