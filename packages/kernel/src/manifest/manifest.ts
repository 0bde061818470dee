/**
 * The validated shape of an actor manifest: what the kernel starts an actor from. Field names are camelCase; the
 * TOML file uses snake_case (every key is in docs/manifest.md, generated from the schema).
 */

import type { RestartType, SupervisionStrategy } from '@theater/supervision';

export { SUPERVISION_STRATEGIES, type SupervisionStrategy } from '@theater/supervision';

/** Resource limits of one actor. */
export interface ManifestLimits {
  readonly memoryMb: number;
  readonly callTimeoutMs: number;
  readonly initTimeoutMs: number;
  readonly mailbox: number;
}

/** How an actor supervises its children, and how often it may restart them. */
export interface ManifestSupervision {
  readonly strategy: SupervisionStrategy;
  readonly maxRestarts: number;
  readonly withinMs: number;
}

/**
 * One `[[handler]]` of a manifest: its `type`, and the options its handler's schema produced (each handler exports
 * its own config type, e.g. `StoreHandlerConfig` from `@theater/handlers`).
 */
export interface HandlerConfig {
  readonly type: string;
}

/** Where an actor's guest runs: a worker of its own, or a shared scheduler worker with other actors. */
export type Isolation = 'dedicated' | 'shared';

/** The placements a manifest may choose. */
export const ISOLATIONS = ['dedicated', 'shared'] as const satisfies readonly Isolation[];

/** A validated actor manifest. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  /** The component as written: a path (relative to the manifest) or a reference such as `store:…`. */
  readonly component: string;
  /** The absolute path of the component; undefined for a reference, or for a relative path with no `baseDir`. */
  readonly componentPath: string | undefined;
  readonly description: string | undefined;
  readonly initState: string | undefined;
  /** Whether the actor's chain is persisted (default true). */
  readonly saveChain: boolean;
  /** Where its guest runs; undefined when the manifest does not say (the actor system's default, `dedicated` unless set). */
  readonly isolation: Isolation | undefined;
  /** How its supervisor treats the actor's exits (OTP restart type; default `permanent`). */
  readonly restart: RestartType;
  readonly limits: ManifestLimits;
  readonly supervision: ManifestSupervision;
  readonly handlers: readonly HandlerConfig[];
  /** The directory of the manifest file, against which relative paths resolve. */
  readonly baseDir: string | undefined;
}
