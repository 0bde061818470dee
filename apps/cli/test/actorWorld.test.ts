import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorWorld, DEFAULT_WORLD } from '../src/lib/actorWorld.js';
import { createTempDir } from './helpers/tempDir.js';

let temp: Awaited<ReturnType<typeof createTempDir>>;
beforeAll(async () => {
  temp = await createTempDir('world');
});
afterAll(async () => {
  await temp.remove();
});

describe('actorWorld', () => {
  it('takes the @world tag of the leading doc comment', async () => {
    const entry = join(temp.path, 'tagged.ts');
    await writeFile(entry, '/**\n * A counter.\n *\n * @world message-server-actor\n */\nexport {};\n');
    expect(await actorWorld(entry, undefined)).toBe('message-server-actor');
  });

  it('prefers the explicit world', async () => {
    const entry = join(temp.path, 'tagged.ts');
    expect(await actorWorld(entry, 'minimal-actor')).toBe('minimal-actor');
  });

  it('falls back to the default world', async () => {
    const entry = join(temp.path, 'plain.ts');
    await writeFile(entry, '// @world ignored: not a leading doc comment\nexport {};\n');
    expect(await actorWorld(entry, undefined)).toBe(DEFAULT_WORLD);
  });
});
