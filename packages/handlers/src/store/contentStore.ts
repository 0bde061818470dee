/**
 * The content store behind the `store` handler: many stores in one level (LevelDB) database, each holding content
 * addressed by the SHA-256 of its bytes, and labels naming ordered lists of that content. It knows nothing of actors
 * or permissions beyond recording who created a store; the handler decides who may use which.
 *
 * Key layout (keys utf8; a store id never contains `\x00`, so the range `[id\x00, id\x01)` holds exactly one
 * store's keys in a sublevel):
 *
 * | sublevel     | key                   | value                                                        |
 * |--------------|-----------------------|--------------------------------------------------------------|
 * | `!stores!`   | `${id}`               | JSON `{ owner, created, bytes }`: creator, ms, content total |
 * | `!content!`  | `${id}\x00${sha256}`  | the content's bytes                                          |
 * | `!labels!`   | `${id}\x00${label}`   | JSON array of sha256 hex, oldest first, no duplicates        |
 *
 * Every write of one call is one batch, so a crash leaves either all of it or none. Writes to one store run one after
 * the other (a label is read, changed and written back), so two actors sharing a store never lose each other's
 * updates; reads need no turn.
 */
import { randomUUID } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Level } from 'level';

/** What the database records of a store. */
export interface StoreInfo {
  /** The id of the actor that created it. */
  readonly owner: string;
  /** When it was created, in ms since the epoch. */
  readonly created: number;
  /** The total size of its content, in bytes. */
  readonly bytes: number;
}

/** Stores of content-addressed bytes with labels; see the module header. Store ids passed in must exist. */
export interface ContentStore extends AsyncDisposable {
  /** Creates an empty store owned by `owner`; resolves with its id (a random UUID). */
  create(owner: string, created: number): Promise<string>;
  /** The store's record, or undefined when there is no such store. */
  info(storeId: string): Promise<StoreInfo | undefined>;
  /** Stores `content` (once: the same bytes give the same hash); resolves with its SHA-256 hex. */
  put(storeId: string, content: Uint8Array): Promise<string>;
  /** The content with this hash, or undefined. */
  get(storeId: string, hash: string): Promise<Uint8Array | undefined>;
  has(storeId: string, hash: string): Promise<boolean>;
  /** Adds stored content to the end of a label (moving it there if the label holds it); false when not stored. */
  label(storeId: string, label: string, hash: string): Promise<boolean>;
  /** The label's most recently added hash, or undefined when the label is absent. */
  latest(storeId: string, label: string): Promise<string | undefined>;
  /** Deletes a label (nothing happens when it is absent). */
  removeLabel(storeId: string, label: string): Promise<void>;
  /** Takes a hash off a label (deleting the label once empty); false when the label does not hold it. */
  unlabel(storeId: string, label: string, hash: string): Promise<boolean>;
  /** Stores `content` and adds it to the label, in one batch. */
  putAtLabel(storeId: string, label: string, content: Uint8Array): Promise<string>;
  /** Stores `content` and makes the label hold exactly it, in one batch. */
  replaceContentAtLabel(storeId: string, label: string, content: Uint8Array): Promise<string>;
  /** Makes the label hold exactly stored content; false when not stored. */
  replaceAtLabel(storeId: string, label: string, hash: string): Promise<boolean>;
  /** The store's labels, sorted. */
  labels(storeId: string): Promise<string[]>;
  /** The hashes of the store's content, sorted. */
  contents(storeId: string): Promise<string[]>;
  /** The total size of the store's content, in bytes. */
  totalSize(storeId: string): Promise<bigint>;
  /** Waits for started writes and closes the database; idempotent. */
  close(): Promise<void>;
}

type Database = Level<string, Uint8Array>;
type Sublevel<V> = ReturnType<typeof openSublevel<V>>;
type Operation =
  | { type: 'put'; sublevel: Sublevel<StoreInfo>; key: string; value: StoreInfo }
  | { type: 'put'; sublevel: Sublevel<Uint8Array>; key: string; value: Uint8Array }
  | { type: 'put'; sublevel: Sublevel<string[]>; key: string; value: string[] }
  | { type: 'del'; sublevel: Sublevel<string[]>; key: string };

/**
 * Opens (creating if needed) the content store database at `path`.
 * @example
 * await using stores = await openContentStore(join(home.root, 'store'));
 * const id = await stores.create(actorId, Date.now());
 * const hash = await stores.put(id, new TextEncoder().encode('hello'));
 */
export async function openContentStore(path: string): Promise<ContentStore> {
  const db: Database = new Level<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
  try {
    await db.open();
  } catch (error) {
    const locked = (error as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED';
    throw new Error(
      locked
        ? `the content store at ${path} is in use by another process or actor system (only one may open a Theater home at a time)`
        : `cannot open the content store at ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const stores = openSublevel<StoreInfo>(db, 'stores', 'json');
  const content = openSublevel<Uint8Array>(db, 'content', 'view');
  const labels = openSublevel<string[]>(db, 'labels', 'json');
  /** The tail of each store's queue of writes; removed when the queue empties. */
  const tails = new Map<string, Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const key = (storeId: string, name: string): string => `${storeId}\x00${name}`;
  const range = (storeId: string) => ({ gt: `${storeId}\x00`, lt: `${storeId}\x01` });
  const suffix = (storeId: string, fullKey: string): string => fullKey.slice(storeId.length + 1);

  /** Runs `write` after every earlier write to the same store has settled. */
  function exclusive<T>(storeId: string, write: () => Promise<T>): Promise<T> {
    if (closing !== undefined) return Promise.reject(new Error('the content store is closed'));
    const previous = tails.get(storeId) ?? Promise.resolve();
    const result = previous.then(write, write);
    const tail = result.catch(() => {});
    tails.set(storeId, tail);
    void tail.then(() => {
      if (tails.get(storeId) === tail) tails.delete(storeId);
    });
    return result;
  }

  async function mustInfo(storeId: string): Promise<StoreInfo> {
    const info = await stores.get(storeId);
    if (info === undefined) throw new RangeError(`no store ${storeId}`);
    return info;
  }

  /** The operations that store `bytes` unless already stored, and its hash. Call inside `exclusive`. */
  async function storing(storeId: string, bytes: Uint8Array): Promise<{ hash: string; ops: Operation[] }> {
    const hash = bytesToHex(sha256(bytes));
    if (await content.has(key(storeId, hash))) return { hash, ops: [] };
    const info = await mustInfo(storeId);
    return {
      hash,
      ops: [
        { type: 'put', sublevel: content, key: key(storeId, hash), value: bytes },
        { type: 'put', sublevel: stores, key: storeId, value: { ...info, bytes: info.bytes + bytes.length } },
      ],
    };
  }

  async function appended(storeId: string, label: string, hash: string): Promise<string[]> {
    const held = (await labels.get(key(storeId, label))) ?? [];
    return [...held.filter((h) => h !== hash), hash];
  }

  const batch = (ops: Operation[]): Promise<void> => (ops.length === 0 ? Promise.resolve() : db.batch(ops as never));

  const store: ContentStore = {
    create: (owner, created) => {
      const id = randomUUID();
      return exclusive(id, async () => {
        await stores.put(id, { owner, created, bytes: 0 });
        return id;
      });
    },
    info: (storeId) => stores.get(storeId),
    put: (storeId, bytes) =>
      exclusive(storeId, async () => {
        const { hash, ops } = await storing(storeId, bytes);
        await batch(ops);
        return hash;
      }),
    get: async (storeId, hash) => {
      const bytes = await content.get(key(storeId, hash));
      // A plain Uint8Array, not the Buffer level may hand back, so the chain records it as bytes.
      return bytes === undefined ? undefined : new Uint8Array(bytes);
    },
    has: (storeId, hash) => content.has(key(storeId, hash)),
    label: (storeId, label, hash) =>
      exclusive(storeId, async () => {
        if (!(await content.has(key(storeId, hash)))) return false;
        await labels.put(key(storeId, label), await appended(storeId, label, hash));
        return true;
      }),
    latest: async (storeId, label) => (await labels.get(key(storeId, label)))?.at(-1),
    removeLabel: (storeId, label) => exclusive(storeId, () => labels.del(key(storeId, label))),
    unlabel: (storeId, label, hash) =>
      exclusive(storeId, async () => {
        const held = (await labels.get(key(storeId, label))) ?? [];
        if (!held.includes(hash)) return false;
        const rest = held.filter((h) => h !== hash);
        await (rest.length === 0 ? labels.del(key(storeId, label)) : labels.put(key(storeId, label), rest));
        return true;
      }),
    putAtLabel: (storeId, label, bytes) =>
      exclusive(storeId, async () => {
        const { hash, ops } = await storing(storeId, bytes);
        await batch([...ops, { type: 'put', sublevel: labels, key: key(storeId, label), value: await appended(storeId, label, hash) }]);
        return hash;
      }),
    replaceContentAtLabel: (storeId, label, bytes) =>
      exclusive(storeId, async () => {
        const { hash, ops } = await storing(storeId, bytes);
        await batch([...ops, { type: 'put', sublevel: labels, key: key(storeId, label), value: [hash] }]);
        return hash;
      }),
    replaceAtLabel: (storeId, label, hash) =>
      exclusive(storeId, async () => {
        if (!(await content.has(key(storeId, hash)))) return false;
        await labels.put(key(storeId, label), [hash]);
        return true;
      }),
    labels: async (storeId) => (await labels.keys(range(storeId)).all()).map((k) => suffix(storeId, k)).sort(),
    // Hex keys sort the same as their strings, so level's key order is the sorted order.
    contents: async (storeId) => (await content.keys(range(storeId)).all()).map((k) => suffix(storeId, k)),
    totalSize: async (storeId) => BigInt((await mustInfo(storeId)).bytes),
    close() {
      closing ??= (async () => {
        await Promise.all(tails.values());
        await db.close();
      })();
      return closing;
    },
    [Symbol.asyncDispose]: () => store.close(),
  };
  return store;
}

function openSublevel<V>(db: Database, name: string, valueEncoding: 'json' | 'view') {
  return db.sublevel<string, V>(name, { keyEncoding: 'utf8', valueEncoding });
}
