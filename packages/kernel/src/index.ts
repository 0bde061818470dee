/** @theater/kernel: runs WebAssembly component actors in sandboxed workers. */
export {
  createActorSystem,
  type ActorSystem,
  type ActorSystemOptions,
  type ExternalChannel,
  type ReplayOptions,
  type SpawnOptions,
  type SpawnTimings,
} from './actorSystem.js';
export type { ActorMessaging } from './messaging/actorMessaging.js';
export type { ExternalChannelEnd } from './messaging/messageRouter.js';
export type { ReplayDivergence, ReplayedEvent, ReplayResult } from './replay/replayResult.js';
export type { Actor, ActorExit, ActorStatus } from './actor/actor.js';
export type { ActorFailure, FailureReason } from './actor/actorFailure.js';
export {
  HostCallError,
  defineHandler,
  type ActorState,
  type AdmitContext,
  type HandlerContext,
  type HandlerDefinition,
  type HostFunction,
  type HostImplementation,
  type HostInterfaces,
  type SystemResource,
} from './handler.js';
export { HandlerRegistry, type HandlerSource } from './handlerRegistry.js';
export { REDACTED, redacting, type Redaction } from './redaction.js';
export { forwardsReply } from './sandbox/directAnswer.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export { TestClock } from './testClock.js';
export {
  InvalidChainEventError,
  actorFailEvent,
  actorRestartEvent,
  actorSpawnEvent,
  actorStopEvent,
  hostCallEvent,
  wasmCallEvent,
  wasmAbortedEvent,
  wasmErrorEvent,
  wasmResultEvent,
  type ChainEventType,
  type HostCallEventType,
  type EncodedEvent,
  type HostCallEventData,
  type SpawnEventData,
  type StopEventData,
  type WasmCallEventData,
  type WasmErrorEventData,
  type WasmResultEventData,
} from './chain/chainEvents.js';
export type { InspectionEvent, Inspector, MessageKind, MessageRejection } from './inspection.js';
export { KernelError, isKernelError, type KernelErrorCode } from './kernelError.js';
export { permissionExcess } from './permissions/permissionExcess.js';
export { manifestWorld, type ManifestWorld } from './component/manifestWorld.js';
export { isInside, realLocation } from './files/realLocation.js';
export { resolveTheaterHome, type TheaterHome } from './theaterHome.js';
export { WIT_INTERFACES, type WitInterface } from './generated/witInterfaces.js';
export * from './manifest/index.js';
