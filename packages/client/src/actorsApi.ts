/** Actors: start, list, show, stop, restart, read state, and the supervision tree. */
import type { ActorView, ResumeView, TreeNode } from './apiTypes.js';
import { fromBase64, toBase64 } from './payload.js';
import type { Transport } from './transport.js';

/** How to start an actor: a manifest file the server can read, or the manifest's TOML text. */
export type StartOptions = (
  | { readonly path: string; readonly toml?: never; readonly baseDir?: never }
  | { readonly toml: string; readonly path?: never; readonly baseDir?: string }
) & {
  /** Replaces the manifest's name. */
  readonly name?: string;
  /** The initial state: bytes, or a JSON value (`{ json }`, given to the actor as its UTF-8 JSON). */
  readonly state?: Uint8Array | { readonly json: unknown };
};

export class ActorsApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The running actors; with `all`, also those known only from the chain store. */
  async list(options: { readonly all?: boolean } = {}): Promise<ActorView[]> {
    const { actors } = await this.#transport.json<{ actors: ActorView[] }>('GET', '/v1/actors', { query: { all: options.all } });
    return actors;
  }

  /** Starts an actor and resolves once its `init` has run. */
  async start(options: StartOptions): Promise<ActorView> {
    const { state, ...rest } = options;
    const body = {
      ...rest,
      ...(state === undefined ? {} : state instanceof Uint8Array ? { stateBase64: toBase64(state) } : { state: state.json }),
    };
    return (await this.#transport.json<{ actor: ActorView }>('POST', '/v1/actors', { body })).actor;
  }

  /** An actor by id (or unique prefix), running or stored. */
  async get(id: string): Promise<ActorView> {
    return (await this.#transport.json<{ actor: ActorView }>('GET', `/v1/actors/${encodeURIComponent(id)}`)).actor;
  }

  /** Stops an actor (its children first); resolves with how it looks stopped. */
  async stop(id: string): Promise<ActorView> {
    return (await this.#transport.json<{ actor: ActorView }>('DELETE', `/v1/actors/${encodeURIComponent(id)}`)).actor;
  }

  /** Restarts an actor from its last committed state (same id, its chain continued). */
  async restart(id: string): Promise<ActorView> {
    return (await this.#transport.json<{ actor: ActorView }>('POST', `/v1/actors/${encodeURIComponent(id)}/restart`)).actor;
  }

  /** A running actor's last committed state; undefined when it has none. */
  async state(id: string): Promise<Uint8Array | undefined> {
    const { state } = await this.#transport.json<{ state: string | null }>('GET', `/v1/actors/${encodeURIComponent(id)}/state`);
    return state === null ? undefined : fromBase64(state);
  }

  /** The supervision tree of the running actors. */
  async tree(): Promise<TreeNode[]> {
    return (await this.#transport.json<{ roots: TreeNode[] }>('GET', '/v1/tree')).roots;
  }

  /** Brings back every actor that was running when the server last stopped or was killed. */
  async resume(): Promise<ResumeView> {
    return this.#transport.json<ResumeView>('POST', '/v1/resume');
  }
}
