/**
 * @theater/sdk/guest: helpers for actor code, which runs inside the component. Safe to bundle: no Node APIs.
 *
 * The `theater:simple/*` modules themselves are declared by `@theater/sdk/wit-types` (generated from `wit/`).
 */
export { ActorError } from './actorError.js';
export { decodeJson, decodeText, encodeJson, encodeText } from './state.js';
