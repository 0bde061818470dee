/**
 * A typed client for Theater's operator API. Construct it with a URL and token, or let `connect` find the server
 * running on a Theater home.
 * @example
 * const client = await TheaterClient.connect(); // $THEATER_HOME's server, its token
 * const actor = await client.actors.start({ path: 'examples/counter/manifest.toml' });
 * await client.messages.send(actor.id, { json: { add: 1 } });
 */
import { ActorsApi } from './actorsApi.js';
import type { Health } from './apiTypes.js';
import { ChainApi } from './chainApi.js';
import { ChannelsApi } from './channelsApi.js';
import { discoverServer, type DiscoverOptions } from './discoverServer.js';
import { EventsApi } from './eventsApi.js';
import { MessagesApi } from './messagesApi.js';
import { Session } from './session.js';
import { Transport, type TransportOptions } from './transport.js';

export class TheaterClient {
  readonly url: string;
  readonly actors: ActorsApi;
  readonly messages: MessagesApi;
  readonly channels: ChannelsApi;
  readonly events: EventsApi;
  readonly chain: ChainApi;
  readonly #transport: Transport;

  constructor(options: TransportOptions) {
    this.#transport = new Transport(options);
    this.url = this.#transport.url;
    this.actors = new ActorsApi(this.#transport);
    this.messages = new MessagesApi(this.#transport);
    this.channels = new ChannelsApi(this.#transport);
    this.events = new EventsApi(this.#transport);
    this.chain = new ChainApi(this.#transport);
  }

  /**
   * A client for the server found through `options` (see `discoverServer`): `server`/`THEATER_SERVER` and
   * `token`/`THEATER_TOKEN`, else the home's `server.json` and `server.token`.
   */
  static async connect(options: DiscoverOptions & { readonly timeoutMs?: number } = {}): Promise<TheaterClient> {
    const found = await discoverServer(options);
    return new TheaterClient({
      url: found.url,
      token: found.token,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /** The server's version, uptime, actor count, pid and home. */
  health(): Promise<Health> {
    return this.#transport.json<Health>('GET', '/v1/health');
  }

  /** Opens a session: sends and requests over one WebSocket, many in flight (close it when done). */
  openSession(): Promise<Session> {
    return Session.open(this.#transport);
  }

  /** The OpenAPI 3 description of the API. */
  openapi(): Promise<Record<string, unknown>> {
    return this.#transport.json<Record<string, unknown>>('GET', '/v1/openapi.json');
  }
}
