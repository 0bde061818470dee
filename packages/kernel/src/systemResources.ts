/**
 * What an actor system holds on behalf of its handlers: their system-wide resources (a database), by key, opened once
 * and closed with the system, and actors' exit cleanups still running, which the system's close waits for.
 */
import type { SystemResource } from './handler.js';
import type { TheaterHome } from './theaterHome.js';

/** The handlers' resources and cleanups of one actor system. */
export interface SystemResources {
  /** A handler's system-wide resource, opened once; closed by `close()` after every actor has ended. */
  resource<T>(key: string, spec: SystemResource<T>): Promise<T>;
  /** Keeps an actor's exit cleanup until it has settled, so that `close()` waits for it. */
  track(cleanup: Promise<void>): void;
  /** Waits for the running cleanups, then closes every resource. */
  close(): Promise<void>;
}

/** Creates the resources of a system living in `home`; `assertOpen` refuses new resources once the system closes. */
export function createSystemResources(home: TheaterHome, assertOpen: () => void): SystemResources {
  const resources = new Map<string, { readonly value: Promise<unknown>; readonly close: (value: never) => Promise<void> }>();
  const cleanups = new Set<Promise<void>>();

  return {
    resource<T>(key: string, spec: SystemResource<T>): Promise<T> {
      assertOpen();
      let entry = resources.get(key);
      if (entry === undefined) {
        const value = spec.open(home);
        entry = { value, close: spec.close as (value: never) => Promise<void> };
        resources.set(key, entry);
        // A failed open is retried by the next caller.
        value.catch(() => resources.delete(key));
      }
      return entry.value as Promise<T>;
    },

    track(cleanup) {
      cleanups.add(cleanup);
      void cleanup.finally(() => cleanups.delete(cleanup));
    },

    async close() {
      await Promise.allSettled([...cleanups]);
      await Promise.allSettled(
        [...resources.values()].map(async ({ value, close: closeResource }) => closeResource((await value) as never)),
      );
      resources.clear();
    },
  };
}
