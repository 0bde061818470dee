/**
 * @theater/sdk: build Theater actors (TypeScript, JavaScript or WAT) into WebAssembly components.
 *
 * Actor code imports its helpers from `@theater/sdk/guest` and gets the `theater:simple/*` module declarations from
 * `@theater/sdk/wit-types`; this entry point is for the build side (Node).
 */
export { buildActor, WASI_FEATURES, type BuildActorOptions, type BuiltActor, type WasiFeature } from './buildActor.js';
export { exportName, type ActorWorld, type DerivedWorld } from './actorWorld.js';
export { SdkError, isSdkError, type SdkErrorCode } from './sdkError.js';
export { witPath } from './witPath.js';
