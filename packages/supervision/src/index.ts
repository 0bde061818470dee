/** @theater/supervision: OTP supervisor decisions (restart types, restart strategies, restart intensity) as pure functions. */
export { SUPERVISION_STRATEGIES, type SupervisionSettings, type SupervisionStrategy } from './strategy.js';
export { isAbnormalExit, type ChildExit } from './childExit.js';
export { RESTART_TYPES, isRestartType, shouldRestart, type RestartType } from './restartType.js';
export { planRestart, type ChildSpec, type RestartPlan } from './restartPlan.js';
export {
  createRestartIntensity,
  type Clock,
  type RestartIntensity,
  type RestartIntensityDecision,
  type RestartIntensityOptions,
} from './restartIntensity.js';
