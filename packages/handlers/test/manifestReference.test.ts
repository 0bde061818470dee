/**
 * docs/manifest.md is the reference generated from the manifest schema, and it names every key the zod schema has,
 * each in its own section. When it is out of date, regenerate it: `pnpm vitest run test/manifestReference.test.ts -u`.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { HandlerRegistry, manifestSchema as manifestSchemaOf, parseManifest } from '@theater/kernel';
import { defaultHandlers } from '../src/index.js';
import { REFERENCE_EXAMPLE, REGENERATE_REFERENCE, builtInManifestReference } from '../scripts/manifestReference.js';

const handlers = new HandlerRegistry(defaultHandlers());
const HANDLER_TYPES = handlers.types();
const manifestSchema = manifestSchemaOf(handlers);
const reference = builtInManifestReference();

type Schema = z.core.$ZodType;

/** The schema under defaults, optionals and transforms: what the user writes. */
function unwrap(schema: Schema): Schema {
  const def = schema._zod.def;
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
      return unwrap((def as z.core.$ZodDefaultDef).innerType);
    case 'pipe':
      return unwrap((def as z.core.$ZodPipeDef).in);
    default:
      return schema;
  }
}

function shapeOf(schema: Schema): Record<string, Schema> {
  const inner = unwrap(schema);
  if (inner._zod.def.type !== 'object') throw new Error(`expected a table schema, got ${inner._zod.def.type}`);
  return (inner._zod.def as z.core.$ZodObjectDef).shape;
}

/** Every section of the reference and the keys of its table, read from the zod schema: `limits` → `memory_mb`, … */
function keysBySection(): Map<string, string[]> {
  const top = shapeOf(manifestSchema);
  const sections = new Map<string, string[]>([['## Top-level keys', Object.keys(top)]]);
  for (const [key, field] of Object.entries(top)) {
    const inner = unwrap(field);
    if (inner._zod.def.type === 'object') sections.set(`## \`[${key}]\``, Object.keys(shapeOf(inner)));
    if (inner._zod.def.type !== 'array') continue;
    const union = unwrap((inner._zod.def as z.core.$ZodArrayDef).element);
    for (const option of (union._zod.def as z.core.$ZodDiscriminatedUnionDef).options) {
      const { type, ...options } = shapeOf(option);
      const [name] = (unwrap(type as Schema)._zod.def as z.core.$ZodLiteralDef<string>).values;
      sections.set(`### \`type = "${String(name)}"\``, Object.keys(options));
    }
  }
  return sections;
}

/** The text of the section under `heading`, up to the next heading. */
function section(heading: string): string {
  const start = reference.indexOf(`\n${heading}\n`);
  if (start === -1) return '';
  const rest = reference.slice(start + heading.length + 2);
  const end = rest.search(/^#{2,3} /m);
  return end === -1 ? rest : rest.slice(0, end);
}

describe('the manifest reference', () => {
  it('is docs/manifest.md as committed', async () => {
    await expect(reference).toMatchFileSnapshot(
      '../docs/manifest.md',
      `docs/manifest.md is out of date; in packages/handlers run: ${REGENERATE_REFERENCE}`,
    );
  });

  it('lists every key of the zod schema, with its type, in the section of its table', () => {
    const sections = keysBySection();
    for (const type of HANDLER_TYPES) expect(sections.has(`### \`type = "${type}"\``), type).toBe(true);
    expect(sections.get('## `[limits]`')).toEqual(['memory_mb', 'call_timeout_ms', 'init_timeout_ms', 'mailbox']);
    for (const [heading, keys] of sections) {
      const text = section(heading);
      expect(text, `no section ${heading}`).not.toBe('');
      for (const key of keys) expect(text, `${heading} lacks ${key}`).toMatch(new RegExp(`^\\| \`${key}\` \\| \\S`, 'm'));
      if (keys.length === 0) expect(text).toContain('No other keys.');
    }
  });

  it('shows an example the kernel accepts', () => {
    expect(reference).toContain(REFERENCE_EXAMPLE.trimEnd());
    const manifest = parseManifest(REFERENCE_EXAMPLE, { handlers });
    expect(manifest.handlers.map((h) => h.type)).toEqual(['runtime', 'message-server', 'store', 'timing', 'http-client']);
  });
});
