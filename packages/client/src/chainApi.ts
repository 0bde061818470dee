/** Actors' chains: verify, export, replay. */
import type { ReplayView, VerifyView } from './apiTypes.js';
import type { Transport } from './transport.js';

/** How to verify. */
export interface VerifyOptions {
  /** Trusted Ed25519 public keys (32 bytes, or 64 hex digits); default the server's own node key. */
  readonly trust?: readonly (Uint8Array | string)[];
}

export class ChainApi {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Verifies an actor's chain (hashes, links, signed checkpoints); a failed verification is `{ ok: false, index, reason }`. */
  async verify(id: string, options: VerifyOptions = {}): Promise<VerifyView> {
    const trust = options.trust?.map((key) =>
      typeof key === 'string' ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex'),
    );
    return this.#transport.json<VerifyView>('GET', `/v1/actors/${encodeURIComponent(id)}/chain/verify`, { query: { trust } });
  }

  /**
   * An actor's chain as a chain file (the format of `@theater/event-chain`), in chunks as they arrive.
   * @example
   * const out = createWriteStream('counter.chain');
   * for await (const chunk of client.chain.export(id)) out.write(chunk);
   */
  async *export(id: string, options: { readonly signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const response = await this.#transport.fetch(
      'GET',
      `/v1/actors/${encodeURIComponent(id)}/chain/export`,
      options.signal === undefined ? {} : { signal: options.signal },
    );
    if (response.body === null) return;
    const reader = response.body.getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        yield next.value;
      }
      done = true;
    } finally {
      // A consumer that stops early ends the download.
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }

  /** Re-runs an actor from its chain and compares, event by event; `componentPath` (as the server sees it) runs another component. */
  async replay(id: string, options: { readonly componentPath?: string } = {}): Promise<ReplayView> {
    return this.#transport.json<ReplayView>('POST', `/v1/actors/${encodeURIComponent(id)}/replay`, {
      body: options.componentPath === undefined ? {} : { componentPath: options.componentPath },
    });
  }
}
