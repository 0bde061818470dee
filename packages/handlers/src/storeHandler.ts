/**
 * The `store` handler: `theater:simple/store`, content-addressed stores with labels, kept in one level database per
 * actor system (`<home>/store`, shared by all its actors and closed with it). An actor may use a store it created
 * (stores belong to the actor id, so a restarted actor keeps them) or one its manifest hands it in `stores`; any other
 * id, known or not, is refused with the same message, so ids cannot be probed. Before an actor starts, every store it
 * is handed must exist, and a child may be handed only stores its parent can use itself.
 */
import { join } from 'node:path';
import {
  handlerType,
  HostCallError,
  KernelError,
  stringList,
  table,
  type HandlerDefinition,
  type HostInterfaces,
  type SystemResource,
} from '@theater/kernel';
import { openContentStore, type ContentStore, type StoreInfo } from './store/contentStore.js';

type StoreHost = Pick<HostInterfaces, 'theater:simple/store'>;

/** The longest label accepted, in characters. */
export const MAX_LABEL_LENGTH = 1024;

const CONTENT_STORE: SystemResource<ContentStore> = {
  open: (home) => openContentStore(join(home.root, 'store')),
  close: (store) => store.close(),
};

/** `type = "store"`: content-addressed stores; `stores` names existing stores the actor is handed. */
export interface StoreHandlerConfig {
  readonly type: 'store';
  readonly stores?: readonly string[];
}

const configSchema = table({
  type: handlerType('store'),
  stores: stringList()
    .optional()
    .describe(
      'Ids of existing stores the actor is handed, besides those it creates; each must exist, and a child may be ' +
        'handed only stores its parent can use.',
    ),
}).transform((v): StoreHandlerConfig => (v.stores === undefined ? { type: 'store' } : { type: 'store', stores: v.stores }));

/** Grants `theater:simple/store`. */
export const storeHandler: HandlerDefinition<StoreHandlerConfig> = {
  type: 'store',
  description: 'Content-addressed (SHA-256) stores with labels, kept in $THEATER_HOME/store (theater:simple/store).',
  config: configSchema,
  provides: ['theater:simple/store'],
  requiredExports: {},
  async admit({ manifest, config, field, parent, resource }) {
    const handed = config.stores ?? [];
    if (handed.length === 0) return;
    const store = await resource('store', CONTENT_STORE);
    for (const [index, storeId] of handed.entries()) {
      const info = await store.info(storeId);
      if (info === undefined)
        throw new KernelError(
          'invalid-grant',
          `${field('stores', index)}: ${manifest.name} is handed store ${storeId}, which does not exist`,
        );
      if (parent !== undefined && !canUse(info, storeId, parent.actorId, parent.config)) {
        throw new KernelError(
          'permission-denied',
          `${field('stores', index)}: child ${manifest.name} is handed store ${storeId}, which its parent ${parent.actorId} cannot see`,
        );
      }
    }
  },
  create({ actorId, config, now, resource }): StoreHost {
    /**
     * The stores this actor has been found to be allowed to use. Whether it may never changes (a store is never
     * deleted, its owner and this actor's grant are fixed), so each is read from the database once, not on every call.
     */
    const usable = new Set<string>();
    /** The content store, if this actor may use `storeId`. */
    const access = async (storeId: string): Promise<ContentStore> => {
      const store = await resource('store', CONTENT_STORE);
      if (usable.has(storeId)) return store;
      const info = await store.info(storeId);
      if (info === undefined || !canUse(info, storeId, actorId, config)) {
        throw new HostCallError(`permission-denied: store ${storeId} is not one this actor created or was handed`);
      }
      usable.add(storeId);
      return store;
    };
    const missing = (storeId: string, hash: string): HostCallError => new HostCallError(`content ${hash} is not in store ${storeId}`);
    return {
      'theater:simple/store': {
        new: async () => {
          const storeId = await (await resource('store', CONTENT_STORE)).create(actorId, Math.trunc(now()));
          usable.add(storeId);
          return storeId;
        },
        store: async (storeId, content) => ({ hash: await (await access(storeId)).put(storeId, content) }),
        get: async (storeId, ref) => {
          const store = await access(storeId);
          const bytes = await store.get(storeId, hashOf(ref));
          if (bytes === undefined) throw missing(storeId, ref.hash);
          return bytes;
        },
        exists: async (storeId, ref) => (await access(storeId)).has(storeId, hashOf(ref)),
        label: async (storeId, label, ref) => {
          const store = await access(storeId);
          if (!(await store.label(storeId, checkLabel(label), hashOf(ref)))) throw missing(storeId, ref.hash);
        },
        getByLabel: async (storeId, label) => {
          const hash = await (await access(storeId)).latest(storeId, checkLabel(label));
          return hash === undefined ? undefined : { hash };
        },
        removeLabel: async (storeId, label) => (await access(storeId)).removeLabel(storeId, checkLabel(label)),
        removeFromLabel: async (storeId, label, ref) => {
          const store = await access(storeId);
          if (!(await store.unlabel(storeId, checkLabel(label), hashOf(ref)))) {
            throw new HostCallError(`label ${JSON.stringify(label)} of store ${storeId} does not hold ${ref.hash}`);
          }
        },
        storeAtLabel: async (storeId, label, content) => ({
          hash: await (await access(storeId)).putAtLabel(storeId, checkLabel(label), content),
        }),
        replaceContentAtLabel: async (storeId, label, content) => ({
          hash: await (await access(storeId)).replaceContentAtLabel(storeId, checkLabel(label), content),
        }),
        replaceAtLabel: async (storeId, label, ref) => {
          const store = await access(storeId);
          if (!(await store.replaceAtLabel(storeId, checkLabel(label), hashOf(ref)))) throw missing(storeId, ref.hash);
        },
        listLabels: async (storeId) => (await access(storeId)).labels(storeId),
        listAllContent: async (storeId) => (await (await access(storeId)).contents(storeId)).map((hash) => ({ hash })),
        calculateTotalSize: async (storeId) => (await access(storeId)).totalSize(storeId),
      },
    };
  },
};

/** True when the actor created the store or its grant hands it the store. */
function canUse(info: StoreInfo, storeId: string, actorId: string, grant: StoreHandlerConfig | undefined): boolean {
  return info.owner === actorId || (grant?.stores ?? []).includes(storeId);
}

/** The hash of a content ref, if it is a SHA-256 in lowercase hex. */
function hashOf(ref: { readonly hash: string }): string {
  if (!/^[0-9a-f]{64}$/u.test(ref.hash)) {
    throw new HostCallError(`invalid content ref: expected a SHA-256 hash as 64 lowercase hex digits, got ${shown(ref.hash)}`);
  }
  return ref.hash;
}

/** The label, if it is non-empty and at most MAX_LABEL_LENGTH characters. */
function checkLabel(label: string): string {
  if (label === '') throw new HostCallError('invalid label: expected a non-empty string');
  const length = [...label].length;
  if (length > MAX_LABEL_LENGTH)
    throw new HostCallError(`invalid label: ${length} characters long; at most ${MAX_LABEL_LENGTH} are allowed`);
  return label;
}

/** A guest-supplied string for an error message: quoted, and cut short when long. */
function shown(value: string): string {
  return value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}… (${value.length} characters)` : JSON.stringify(value);
}
