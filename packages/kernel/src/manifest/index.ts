/** The public surface of the manifest module: types, parser and error. */
export {
  HANDLER_TYPES,
  HTTP_METHODS,
  SUPERVISION_STRATEGIES,
  type EnvironmentHandlerConfig,
  type FilesystemHandlerConfig,
  type HandlerConfig,
  type HandlerConfigOf,
  type HandlerType,
  type HttpClientHandlerConfig,
  type HttpFrameworkHandlerConfig,
  type HttpMethod,
  type Manifest,
  type ManifestLimits,
  type ManifestSupervision,
  type MessageServerHandlerConfig,
  type ProcessHandlerConfig,
  type RandomHandlerConfig,
  type RuntimeHandlerConfig,
  type StoreHandlerConfig,
  type SupervisionStrategy,
  type SupervisorHandlerConfig,
  type TimingHandlerConfig,
} from './manifest.js';
export {
  ManifestError,
  isManifestError,
  type ManifestErrorCode,
  type ManifestErrorOptions,
  type ManifestProblem,
} from './manifestError.js';
export { loadManifest, parseManifest, type ParseManifestOptions } from './parseManifest.js';
