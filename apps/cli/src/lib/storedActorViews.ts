/**
 * `theater list --all` without a server: every actor the home's chain store knows, read from the store itself (nothing
 * runs, so each is stopped or failed), shown as the server would show it.
 */
import type { ActorView } from '@theater/client';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem, resolveTheaterHome } from '@theater/kernel';
import { storedActorView } from '@theater/server';
import { pathExists } from './fileKind.js';

/** The views of the actors in the home's chain store; none when nothing has run there. */
export async function storedActorViews(home: string | undefined): Promise<ActorView[]> {
  const resolved = resolveTheaterHome(home);
  if (!(await pathExists(resolved.dbDir))) return [];
  // No worker threads: this system only reads the store (and refuses with chain-store-unavailable if it is in use).
  const system = createActorSystem({ handlers: defaultHandlers(), home: resolved.root, poolSize: 0 });
  try {
    const store = await system.chainStore();
    return await Promise.all((await store.actors()).map((id) => storedActorView(store, id)));
  } finally {
    await system.close();
  }
}
