/**
 * Compile-time only (checked by `pnpm typecheck`): the SDK's hand-written guest export types (src/witExports.ts) and
 * the declarations jco generates from `wit/` are assignable both ways, so `defineActor`'s exports are exactly what
 * componentize-js expects for each interface.
 */
import type * as Actor from 'theater:simple/actor';
import type * as HttpHandlers from 'theater:simple/http-handlers';
import type * as MessageServerClient from 'theater:simple/message-server-client';
import type * as ProcessHandlers from 'theater:simple/process-handlers';
import type * as SupervisorHandlers from 'theater:simple/supervisor-handlers';
import type {
  ActorExport,
  DefinedActor,
  HttpHandlersExport,
  MessageServerClientExport,
  ProcessHandlersExport,
  SupervisorHandlersExport,
} from '../src/guest.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Functions<M> = { [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: M[K] };

export const conformance: [
  Same<ActorExport, Functions<typeof Actor>>,
  Same<MessageServerClientExport, Functions<typeof MessageServerClient>>,
  Same<SupervisorHandlersExport, Functions<typeof SupervisorHandlers>>,
  Same<HttpHandlersExport, Functions<typeof HttpHandlers>>,
  Same<ProcessHandlersExport, Functions<typeof ProcessHandlers>>,
  Same<keyof DefinedActor, 'actor' | 'messageServerClient' | 'supervisorHandlers' | 'httpHandlers' | 'processHandlers'>,
] = [true, true, true, true, true, true];
