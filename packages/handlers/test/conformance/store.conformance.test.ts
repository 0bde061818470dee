/** The store handler through the conformance suite, driven by the keeper test actor. */
import { expect } from 'vitest';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers, storeHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

testHandlerConformance({
  definition: storeHandler,
  handlers: defaultHandlers(),
  manifest: testActorManifest('keeper'),
  async drive({ ask }) {
    const store = await ask('new');
    expect(store).not.toMatch(/^error:/);
    const hash = await ask(`put ${store} hello`);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await ask(`get ${store} ${hash}`)).toBe('hello');
    expect(await ask(`exists ${store} ${hash}`)).toBe('true');
    expect(await ask(`label ${store} greeting ${hash}`)).toBe('ok');
    expect(await ask(`bylabel ${store} greeting`)).toBe(hash);
    expect(await ask(`size ${store}`)).toBe('5');
  },
  denial: {
    request: 'put not-a-store hello',
    function: 'store',
    error: 'permission-denied: store not-a-store is not one this actor created or was handed',
  },
  invalidConfigs: [
    { table: 'type = "store"\nstores = "abc"', field: 'stores' },
    { table: 'type = "store"\nstores = [1]', field: 'stores[0]' },
  ],
  excess: {
    anyGrantHoldsAnother:
      'the stores a child is handed are ids, checked against the content store at spawn by admit, which refuses one its parent cannot use',
    grant: { type: 'store' },
  },
});
