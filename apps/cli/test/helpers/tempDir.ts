/** Temporary directories for a test file, removed afterwards. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates a fresh temporary directory; call the returned `remove` when done. */
export async function createTempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `theater-cli-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
