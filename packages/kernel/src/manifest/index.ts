/** The public surface of the manifest module: types, parser and error. */
export {
  ISOLATIONS,
  SUPERVISION_STRATEGIES,
  type HandlerConfig,
  type Isolation,
  type Manifest,
  type ManifestLimits,
  type ManifestSupervision,
  type SupervisionStrategy,
} from './manifest.js';
export {
  ManifestError,
  isManifestError,
  type ManifestErrorCode,
  type ManifestErrorOptions,
  type ManifestProblem,
} from './manifestError.js';
export {
  loadManifest,
  parseManifest,
  type LoadManifestOptions,
  type ParseManifestOptions,
} from './parseManifest.js';
export { manifestJsonSchema, type JsonSchema } from './manifestJsonSchema.js';
export { manifestSchema, type ManifestFields } from './manifestSchema.js';
export { renderManifestReference, type ManifestReferenceOptions } from './manifestReference.js';
export {
  MAX_TIMER_MS,
  anyString,
  boolean,
  expected,
  handlerType,
  integer,
  nonEmptyString,
  oneOf,
  optionlessHandler,
  showValue,
  stringList,
  table,
} from './fieldSchemas.js';
