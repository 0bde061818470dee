/** Check 1: an invalid `[[handler]]` table is refused by the manifest parser, with an error naming its field. */
import { assert, describe, expect, it } from 'vitest';
import { isManifestError, type HandlerConfig } from '@theater/kernel';
import type { HandlerConformanceSpec } from './handlerConformanceSpec.js';
import { CONFORMANCE_SOURCE, manifestText, parseHandlerManifest } from './manifestText.js';

/** Handlers without options put before the table under test, so that its index is not simply 0. */
const NEIGHBOURS = ['runtime', 'message-server'];

/** Registers check 1 for `spec`. */
export function describeConfigValidation<C extends HandlerConfig, F>(spec: HandlerConformanceSpec<C, F>): void {
  const { type } = spec.definition;
  const installed = new Set<string>(spec.handlers.map((handler) => handler.type));
  const neighbours = NEIGHBOURS.filter((neighbour) => neighbour !== type && installed.has(neighbour));
  const index = neighbours.length;
  describe('config validation', () => {
    for (const { table, field } of spec.invalidConfigs) {
      const path = `handler[${index}].${field}`;
      it(`refuses ${JSON.stringify(table.replaceAll('\n', '; '))}, naming ${path}`, () => {
        const text = manifestText('conformance', [...neighbours.map((neighbour) => `type = "${neighbour}"`), table]);
        let thrown: unknown;
        try {
          parseHandlerManifest(text, { handlers: spec.handlers, baseDir: process.cwd(), source: CONFORMANCE_SOURCE });
        } catch (error) {
          thrown = error;
        }
        assert(isManifestError(thrown, 'invalid-manifest'), `expected a ManifestError, got ${String(thrown)}`);
        const error = thrown;
        expect(error.problems.map((problem) => problem.field)).toContain(path);
        // Only the table under test is blamed, and the message says where.
        expect(
          error.problems.every((problem) => problem.field.startsWith(`handler[${index}]`)),
          error.message,
        ).toBe(true);
        expect(error.message).toContain(path);
      });
    }
  });
}
