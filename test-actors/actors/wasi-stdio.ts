/**
 * wasi-stdio (world minimal-actor, built with the WASI `stdio` feature kept): prints with console.log, so the
 * component imports wasi:cli interfaces. Theater provides no WASI, so the kernel must refuse it at spawn.
 */
import type * as Actor from 'theater:simple/actor';

export const actor: typeof Actor = {
  init(state, [id]) {
    console.log(`hello from ${id}`);
    return [state];
  },
};
