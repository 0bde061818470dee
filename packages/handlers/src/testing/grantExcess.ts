/**
 * Check 2: a child may never get more than its parent. The definition's `excess` names what a wider grant reaches
 * that a narrower one does not, and finds nothing between a grant and itself or a narrower one; the kernel's
 * `permissionExcess` refuses a child holding the wider grant, or holding the handler when its parent does not.
 */
import { describe, expect, it } from 'vitest';
import { permissionExcess, type HandlerConfig, type Manifest } from '@theater/kernel';
import type { HandlerConformanceSpec } from './handlerConformanceSpec.js';
import { CONFORMANCE_SOURCE, manifestText, parseHandlerManifest } from './manifestText.js';

/** A manifest named `name` in the current directory granting exactly `grants`. */
function granting<C extends HandlerConfig, F>(spec: HandlerConformanceSpec<C, F>, name: string, grants: readonly C[]): Manifest {
  const parsed = parseHandlerManifest(manifestText(name, []), {
    handlers: spec.handlers,
    baseDir: process.cwd(),
    source: CONFORMANCE_SOURCE,
  });
  return { ...parsed, handlers: grants };
}

/** Registers check 2 for `spec`. */
export function describeGrantExcess<C extends HandlerConfig, F>(spec: HandlerConformanceSpec<C, F>): void {
  const { definition } = spec;
  const { type } = definition;
  const cases = spec.excess;
  describe('a child never gets more than its parent', () => {
    const someGrant = 'pairs' in cases ? cases.pairs[0].narrow : cases.grant;
    it(`refuses a child granted ${type} by a parent without it`, () => {
      const child = granting(spec, 'child', [someGrant]);
      const parent = granting(spec, 'parent', []);
      expect(permissionExcess(child, parent, spec.handlers)).toEqual([`handler "${type}", which the parent does not have`]);
    });

    if (!('pairs' in cases)) {
      it(`holds any ${type} grant by any other: ${cases.anyGrantHoldsAnother}`, () => {
        const child = granting(spec, 'child', [cases.grant]);
        const parent = granting(spec, 'parent', [cases.grant]);
        expect(definition.excess?.(cases.grant, cases.grant, { child, parent })).toBeUndefined();
        expect(permissionExcess(child, parent, spec.handlers)).toEqual([]);
      });
      return;
    }

    for (const [index, { narrow, wide, excess }] of cases.pairs.entries()) {
      describe(`pair ${index + 1}: ${String(excess)}`, () => {
        const narrowManifest = granting(spec, 'narrow', [narrow]);
        const wideManifest = granting(spec, 'wide', [wide]);
        it('names what the wider grant reaches beyond the narrower', () => {
          expect(definition.excess, `${type} has grants of different reach, so it must define excess`).toBeTypeOf('function');
          const found = definition.excess!(wide, narrow, { child: wideManifest, parent: narrowManifest });
          expect(found).toBeTypeOf('string');
          if (typeof excess === 'string') expect(found).toContain(excess);
          else expect(found).toMatch(excess);
        });
        it('finds nothing in the narrower grant, nor in a grant against itself', () => {
          expect(definition.excess?.(narrow, wide, { child: narrowManifest, parent: wideManifest })).toBeUndefined();
          expect(definition.excess?.(narrow, narrow, { child: narrowManifest, parent: narrowManifest })).toBeUndefined();
          expect(definition.excess?.(wide, wide, { child: wideManifest, parent: wideManifest })).toBeUndefined();
        });
        it('has the kernel refuse a child with the wider grant under a parent with the narrower, and only that', () => {
          const refused = permissionExcess(wideManifest, narrowManifest, spec.handlers);
          expect(refused).toHaveLength(1);
          expect(refused[0]?.startsWith(`handler "${type}": `), refused[0]).toBe(true);
          expect(permissionExcess(narrowManifest, wideManifest, spec.handlers)).toEqual([]);
        });
      });
    }
  });
}
