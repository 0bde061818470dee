// world root:component/root
import type * as TheaterSimpleEnvironment from './interfaces/theater-simple-environment.js'; // theater:simple/environment
import type * as TheaterSimpleFilesystem from './interfaces/theater-simple-filesystem.js'; // theater:simple/filesystem
import type * as TheaterSimpleHttpClient from './interfaces/theater-simple-http-client.js'; // theater:simple/http-client
import type * as TheaterSimpleHttpFramework from './interfaces/theater-simple-http-framework.js'; // theater:simple/http-framework
import type * as TheaterSimpleHttpTypes from './interfaces/theater-simple-http-types.js'; // theater:simple/http-types
import type * as TheaterSimpleMessageServerHost from './interfaces/theater-simple-message-server-host.js'; // theater:simple/message-server-host
import type * as TheaterSimpleProcess from './interfaces/theater-simple-process.js'; // theater:simple/process
import type * as TheaterSimpleRandom from './interfaces/theater-simple-random.js'; // theater:simple/random
import type * as TheaterSimpleRuntime from './interfaces/theater-simple-runtime.js'; // theater:simple/runtime
import type * as TheaterSimpleStore from './interfaces/theater-simple-store.js'; // theater:simple/store
import type * as TheaterSimpleSupervisor from './interfaces/theater-simple-supervisor.js'; // theater:simple/supervisor
import type * as TheaterSimpleTiming from './interfaces/theater-simple-timing.js'; // theater:simple/timing
import type * as TheaterSimpleTypes from './interfaces/theater-simple-types.js'; // theater:simple/types
import type * as TheaterSimpleWebsocketTypes from './interfaces/theater-simple-websocket-types.js'; // theater:simple/websocket-types
import type * as TheaterSimpleActor from './interfaces/theater-simple-actor.js'; // theater:simple/actor
import type * as TheaterSimpleMessageServerClient from './interfaces/theater-simple-message-server-client.js'; // theater:simple/message-server-client
import type * as TheaterSimpleSupervisorHandlers from './interfaces/theater-simple-supervisor-handlers.js'; // theater:simple/supervisor-handlers
import type * as TheaterSimpleHttpHandlers from './interfaces/theater-simple-http-handlers.js'; // theater:simple/http-handlers
import type * as TheaterSimpleProcessHandlers from './interfaces/theater-simple-process-handlers.js'; // theater:simple/process-handlers
export interface ImportObject {
  'theater:simple/environment': typeof TheaterSimpleEnvironment,
  'theater:simple/filesystem': typeof TheaterSimpleFilesystem,
  'theater:simple/http-client': typeof TheaterSimpleHttpClient,
  'theater:simple/http-framework': typeof TheaterSimpleHttpFramework,
  'theater:simple/http-types': typeof TheaterSimpleHttpTypes,
  'theater:simple/message-server-host': typeof TheaterSimpleMessageServerHost,
  'theater:simple/process': typeof TheaterSimpleProcess,
  'theater:simple/random': typeof TheaterSimpleRandom,
  'theater:simple/runtime': typeof TheaterSimpleRuntime,
  'theater:simple/store': typeof TheaterSimpleStore,
  'theater:simple/supervisor': typeof TheaterSimpleSupervisor,
  'theater:simple/timing': typeof TheaterSimpleTiming,
  'theater:simple/types': typeof TheaterSimpleTypes,
  'theater:simple/websocket-types': typeof TheaterSimpleWebsocketTypes,
}
export interface Root {
  'theater:simple/actor': typeof TheaterSimpleActor,
  actor: typeof TheaterSimpleActor,
  'theater:simple/message-server-client': typeof TheaterSimpleMessageServerClient,
  messageServerClient: typeof TheaterSimpleMessageServerClient,
  'theater:simple/supervisor-handlers': typeof TheaterSimpleSupervisorHandlers,
  supervisorHandlers: typeof TheaterSimpleSupervisorHandlers,
  'theater:simple/http-handlers': typeof TheaterSimpleHttpHandlers,
  httpHandlers: typeof TheaterSimpleHttpHandlers,
  'theater:simple/process-handlers': typeof TheaterSimpleProcessHandlers,
  processHandlers: typeof TheaterSimpleProcessHandlers,
}

