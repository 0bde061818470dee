/** The registry is all the kernel knows of handlers: it validates grants, builds worlds and compares grants with it. */
import { describe, expect, it } from 'vitest';
import type { HandlerDefinition } from '../src/handler.js';
import { HandlerRegistry } from '../src/handlerRegistry.js';
import { manifestWorld } from '../src/component/manifestWorld.js';
import { handlerType, integer, optionlessHandler, table } from '../src/manifest/fieldSchemas.js';
import { manifestJsonSchema, parseManifest } from '../src/manifest/index.js';
import { permissionExcess } from '../src/permissions/permissionExcess.js';

/** A handler with one option, an upper bound its excess compares. */
const bell: HandlerDefinition<{ readonly type: 'bell'; readonly rings: number }> = {
  type: 'bell',
  description: 'Rings a bell (example:bells/bell).',
  config: table({ type: handlerType('bell'), rings: integer('positive').default(1).describe('How often it may ring.') }).transform((v) => ({
    type: 'bell' as const,
    rings: v.rings,
  })),
  provides: ['example:bells/bell'],
  requiredExports: { 'example:bells/bell-handlers': ['on-ring'] },
  optionalExports: ['example:bells/bell-log'],
  excess: (wanted, held) => (wanted.rings > held.rings ? `rings ${wanted.rings} exceeds the parent's ${held.rings}` : undefined),
  create: () => ({}),
};
const quiet: HandlerDefinition = {
  type: 'quiet',
  description: 'Nothing at all.',
  config: optionlessHandler('quiet'),
  provides: ['example:bells/quiet'],
  requiredExports: {},
  create: () => ({}),
};
const handlers = new HandlerRegistry([bell, quiet] as readonly HandlerDefinition[]);
const HEAD = 'name = "a"\nversion = "1"\ncomponent = "a.wasm"\n';

describe('HandlerRegistry', () => {
  it('finds definitions by type and by the interface they provide, in registration order', () => {
    expect(handlers.types()).toEqual(['bell', 'quiet']);
    expect(handlers.get('quiet')).toBe(quiet);
    expect(handlers.get('store')).toBeUndefined();
    expect(handlers.providerOf('example:bells/bell')).toBe(bell);
    expect(handlers.providerOf('theater:simple/runtime')).toBeUndefined();
    expect(handlers.definitions).toEqual([bell, quiet]);
  });

  it('refuses two definitions of one type', () => {
    expect(() => new HandlerRegistry([bell, quiet, bell] as readonly HandlerDefinition[])).toThrow(
      expect.objectContaining({ code: 'duplicate-handler', message: 'two handler definitions have the type "bell"' }),
    );
  });

  it("validates each [[handler]] table with its definition's schema, and names the registered types for an unknown one", () => {
    const manifest = parseManifest(`${HEAD}[[handler]]\ntype = "bell"\nrings = 3\n[[handler]]\ntype = "quiet"\n`, { handlers });
    expect(manifest.handlers).toEqual([{ type: 'bell', rings: 3 }, { type: 'quiet' }]);
    expect(parseManifest(`${HEAD}[[handler]]\ntype = "bell"\n`, { handlers: [bell] }).handlers).toEqual([{ type: 'bell', rings: 1 }]);
    expect(() =>
      parseManifest(`${HEAD}[[handler]]\ntype = "bell"\nrings = 0\nvolume = 2\n[[handler]]\ntype = "runtime"\n`, { handlers }),
    ).toThrow(
      [
        'handler[0].rings: expected a positive integer, got 0 (line 6)',
        'handler[0].volume: unknown key (expected one of type, rings) (line 7)',
        'handler[1].type: unknown handler type "runtime" (expected one of bell, quiet) (line 9)',
      ].join('\n'),
    );
  });

  it('derives worlds and compares grants through the definitions', () => {
    const parent = parseManifest(`${HEAD}[[handler]]\ntype = "bell"\nrings = 2\n`, { handlers });
    const child = parseManifest(`${HEAD}[[handler]]\ntype = "bell"\nrings = 3\n[[handler]]\ntype = "quiet"\n`, { handlers });
    expect(manifestWorld(child, handlers)).toEqual({
      imports: ['example:bells/bell', 'example:bells/quiet'],
      exports: ['example:bells/bell-handlers'],
      optionalExports: ['example:bells/bell-log'],
    });
    expect(permissionExcess(child, parent, handlers)).toEqual([
      'handler "bell": rings 3 exceeds the parent\'s 2',
      'handler "quiet", which the parent does not have',
    ]);
  });

  it("puts each definition's schema and description in the manifest's JSON Schema", () => {
    const schema = manifestJsonSchema(handlers);
    const handlerTables = schema.properties?.['handler'] as
      | { items: { oneOf: { description?: string; properties: Record<string, unknown> }[] } }
      | undefined;
    expect(handlerTables).toBeDefined();
    const variants = handlerTables!.items.oneOf;
    expect(variants.map((variant) => variant.description)).toEqual(['Rings a bell (example:bells/bell).', 'Nothing at all.']);
    expect(variants[0]?.properties['rings']).toMatchObject({
      type: 'integer',
      minimum: 1,
      default: 1,
      description: 'How often it may ring.',
    });
  });
});
