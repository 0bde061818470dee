/**
 * The validated shape of an actor manifest: what the kernel starts an actor from. Field names are camelCase; the
 * TOML file uses snake_case (every key is in docs/manifest.md, generated from the schema).
 */

/** Every handler type a manifest may declare in a `[[handler]]` table. */
export const HANDLER_TYPES = [
  'runtime',
  'message-server',
  'supervisor',
  'store',
  'filesystem',
  'http-client',
  'http-framework',
  'timing',
  'random',
  'environment',
  'process',
] as const;

/** The name of a handler type. */
export type HandlerType = (typeof HANDLER_TYPES)[number];

import type { RestartType, SupervisionStrategy } from '@theater/supervision';

export { SUPERVISION_STRATEGIES, type SupervisionStrategy } from '@theater/supervision';

/** The standard HTTP methods; an `http-client` handler allows all of them unless told otherwise. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

/** A standard HTTP method, upper-cased. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

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

/** `type = "runtime"`: logging, chain access, shutdown. */
export interface RuntimeHandlerConfig {
  readonly type: 'runtime';
}

/** `type = "message-server"`: send, request and channels between actors. */
export interface MessageServerHandlerConfig {
  readonly type: 'message-server';
}

/** `type = "supervisor"`: spawn and manage children. */
export interface SupervisorHandlerConfig {
  readonly type: 'supervisor';
}

/** `type = "store"`: content-addressed stores; `stores` names existing stores the actor is handed. */
export interface StoreHandlerConfig {
  readonly type: 'store';
  readonly stores?: readonly string[];
}

/** `type = "filesystem"`: files under `path` (as written; relative to the manifest's `baseDir`). */
export interface FilesystemHandlerConfig {
  readonly type: 'filesystem';
  readonly path: string;
  readonly allowedCommands: readonly string[];
  readonly readOnly: boolean;
}

/** `type = "http-client"`: outgoing HTTP to `allowedHosts` only (empty: none). */
export interface HttpClientHandlerConfig {
  readonly type: 'http-client';
  readonly allowedHosts: readonly string[];
  readonly allowedMethods: readonly HttpMethod[];
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly timeoutMs: number;
}

/**
 * `type = "http-framework"`: serve HTTP and WebSocket on loopback only, with request bodies and WebSocket messages of
 * at most `maxRequestBytes`, and at most `maxServers` servers at once.
 */
export interface HttpFrameworkHandlerConfig {
  readonly type: 'http-framework';
  readonly maxRequestBytes: number;
  readonly maxServers: number;
}

/** `type = "timing"`: clock and sleeps between `minSleepMs` and `maxSleepMs`. */
export interface TimingHandlerConfig {
  readonly type: 'timing';
  readonly minSleepMs: number;
  readonly maxSleepMs: number;
}

/** `type = "random"`: random bytes and numbers, deterministic when `seed` is set. */
export interface RandomHandlerConfig {
  readonly type: 'random';
  readonly seed?: number;
  readonly maxBytes: number;
}

/** `type = "environment"`: read environment variables through allow/deny lists and prefixes. */
export interface EnvironmentHandlerConfig {
  readonly type: 'environment';
  readonly allowedVars: readonly string[];
  readonly deniedVars: readonly string[];
  readonly allowedPrefixes: readonly string[];
  readonly allowListAll: boolean;
  /** Variables read but never recorded in clear (see the handlers README); absent when none are. */
  readonly secretVars?: readonly string[];
}

/** `type = "process"`: run `allowedPrograms`, at most `maxProcesses` at once, in `cwd` (default: a private temporary directory). */
export interface ProcessHandlerConfig {
  readonly type: 'process';
  readonly allowedPrograms: readonly string[];
  readonly maxProcesses: number;
  readonly maxOutputBuffer: number;
  readonly cwd?: string;
}

/** One `[[handler]]` of a manifest, discriminated on `type`. */
export type HandlerConfig =
  | RuntimeHandlerConfig
  | MessageServerHandlerConfig
  | SupervisorHandlerConfig
  | StoreHandlerConfig
  | FilesystemHandlerConfig
  | HttpClientHandlerConfig
  | HttpFrameworkHandlerConfig
  | TimingHandlerConfig
  | RandomHandlerConfig
  | EnvironmentHandlerConfig
  | ProcessHandlerConfig;

/** The config of the handler of type `T`. */
export type HandlerConfigOf<T extends HandlerType> = Extract<HandlerConfig, { readonly type: T }>;

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
  /** How its supervisor treats the actor's exits (OTP restart type; default `permanent`). */
  readonly restart: RestartType;
  readonly limits: ManifestLimits;
  readonly supervision: ManifestSupervision;
  readonly handlers: readonly HandlerConfig[];
  /** The directory of the manifest file, against which relative paths resolve. */
  readonly baseDir: string | undefined;
}
