/** Restart strategies: which children to stop, restart and remove when one child exits (OTP supervisor semantics). */
import { SUPERVISION_STRATEGIES, type SupervisionStrategy } from './strategy.js';
import type { ChildExit } from './childExit.js';
import { RESTART_TYPES, isRestartType, shouldRestart, type RestartType } from './restartType.js';

/** A supervised child, as listed in start order. */
export interface ChildSpec {
  readonly id: string;
  readonly restart: RestartType;
}

/** What a supervisor does after a child exits; every list may be empty. */
export interface RestartPlan {
  /** Running siblings to stop, in reverse start order (the exited child is never in it: it has already stopped). */
  readonly stop: readonly string[];
  /** Children to start again, in start order. */
  readonly start: readonly string[];
  /** Children that leave the supervisor for good, in start order. */
  readonly remove: readonly string[];
}

const STRATEGIES: readonly SupervisionStrategy[] = SUPERVISION_STRATEGIES;

/**
 * Decides what a supervisor with `strategy` does when child `failedId` ends with `exit`. `children` are the
 * supervisor's current children in start order, all running except `failedId`.
 *
 * A child that is not to be restarted (see `shouldRestart`) touches no sibling, and leaves the supervisor. Otherwise
 * `one-for-one` restarts it alone, `one-for-all` stops every other child and restarts all of them, and `rest-for-one`
 * stops the children started after it and restarts it and them. Temporary siblings that get stopped are removed, not
 * restarted. The plan does not count towards restart intensity; the caller records one restart when `start` is not
 * empty.
 *
 * @example
 * planRestart('rest-for-one', [{ id: 'db', restart: 'permanent' }, { id: 'api', restart: 'permanent' }], 'db', {
 *   kind: 'failed',
 *   reason: 'trap',
 * }); // { stop: ['api'], start: ['db', 'api'], remove: [] }
 */
export function planRestart(strategy: SupervisionStrategy, children: readonly ChildSpec[], failedId: string, exit: ChildExit): RestartPlan {
  if (!STRATEGIES.includes(strategy)) {
    throw new RangeError(`unknown supervision strategy ${JSON.stringify(strategy)}; expected one of ${STRATEGIES.join(', ')}`);
  }
  const failedIndex = indexOfChild(children, failedId);
  const failed = children[failedIndex] as ChildSpec;
  if (!shouldRestart(failed.restart, exit)) {
    return { stop: [], start: [], remove: [failed.id] };
  }
  switch (strategy) {
    case 'one-for-one':
      return { stop: [], start: [failed.id], remove: [] };
    case 'one-for-all':
      return restartGroup(children, failedIndex);
    case 'rest-for-one':
      return restartGroup(children.slice(failedIndex), 0);
  }
}

/** Stops every member of `group` but the failed one, then restarts the group, leaving temporary members out. */
function restartGroup(group: readonly ChildSpec[], failedIndex: number): RestartPlan {
  const siblings = group.filter((_, index) => index !== failedIndex);
  return {
    stop: siblings.map((child) => child.id).reverse(),
    start: group.filter((child, index) => index === failedIndex || child.restart !== 'temporary').map((child) => child.id),
    remove: siblings.filter((child) => child.restart === 'temporary').map((child) => child.id),
  };
}

/** The position of `id` in `children`, after checking that ids are unique and restart types valid. */
function indexOfChild(children: readonly ChildSpec[], id: string): number {
  const seen = new Set<string>();
  for (const child of children) {
    if (seen.has(child.id)) throw new RangeError(`duplicate child id ${JSON.stringify(child.id)}`);
    seen.add(child.id);
    if (!isRestartType(child.restart)) {
      throw new RangeError(
        `unknown restart type ${JSON.stringify(child.restart)} for child ${JSON.stringify(child.id)}; ` +
          `expected one of ${RESTART_TYPES.join(', ')}`,
      );
    }
  }
  const index = children.findIndex((child) => child.id === id);
  if (index === -1) {
    const known = children.map((child) => JSON.stringify(child.id)).join(', ');
    throw new RangeError(`unknown child id ${JSON.stringify(id)}; children are [${known}]`);
  }
  return index;
}
