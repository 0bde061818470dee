import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleActor, bundleDefaultExport } from '../src/internal/bundle.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'theater-bundle-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function importBundle(code: string): Promise<Record<string, unknown>> {
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as Record<string, unknown>;
}

describe('bundleDefaultExport', () => {
  it("re-exports the named properties of the entry's default export as the named exports componentize-js reads", async () => {
    const entry = join(dir, 'defined.ts');
    await writeFile(
      entry,
      "export default { actor: { init: () => ['init'] }, messageServerClient: { handleSend: () => ['send'] }, httpHandlers: {} };\n",
    );
    expect((await bundleActor(entry)).exports).toEqual(['default']);
    const bundle = await bundleDefaultExport(entry, ['actor', 'messageServerClient']);
    expect([...bundle.exports].sort()).toEqual(['actor', 'messageServerClient']);
    const module = await importBundle(bundle.code);
    expect((module['actor'] as { init: () => unknown }).init()).toEqual(['init']);
    expect((module['messageServerClient'] as { handleSend: () => unknown }).handleSend()).toEqual(['send']);
  });

  it('throws while the module loads when the default export is not an object', async () => {
    const entry = join(dir, 'number.ts');
    await writeFile(entry, 'export default 42;\n');
    const bundle = await bundleDefaultExport(entry, ['actor']);
    await expect(importBundle(bundle.code)).rejects.toBe(
      `the default export of ${entry} is not an actor: export default defineActor({ ... })`,
    );
  });

  it('lists each theater:simple interface imported with the files importing it', async () => {
    await writeFile(join(dir, 'clock.ts'), "import { now } from 'theater:simple/timing';\nexport const stamp = (): bigint => now();\n");
    const entry = join(dir, 'uses.ts');
    await writeFile(
      entry,
      "import { log } from 'theater:simple/runtime';\nimport { stamp } from './clock.js';\nexport const actor = { init: (state: unknown) => (log(String(stamp())), [state]) };\n",
    );
    const bundle = await bundleActor(entry);
    expect(Object.fromEntries(bundle.imports)).toEqual({
      'theater:simple/runtime': [entry],
      'theater:simple/timing': [join(dir, 'clock.ts')],
    });
  });
});
