/** Test actors' manifests for the conformance specs, with some fields replaced (as integration's helpers do). */
import { dirname } from 'node:path';
import { loadManifest, type Manifest } from '@theater/kernel';
import { testActorManifest, type TestActorName } from '@theater/test-actors';

/** The test-actors package directory: `manifests/` and the built components in `dist/`. */
export const testActorsDir = dirname(dirname(testActorManifest('overseer')));

/** A test actor's manifest, with some fields replaced. */
export async function manifestOf(name: TestActorName, changes: Partial<Manifest> = {}): Promise<Manifest> {
  return { ...(await loadManifest(testActorManifest(name))), ...changes };
}
