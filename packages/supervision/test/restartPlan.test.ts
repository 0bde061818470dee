import type { SupervisionStrategy } from '../src/strategy.js';
import { describe, expect, it } from 'vitest';
import { planRestart, type ChildExit, type ChildSpec, type RestartPlan, type RestartType } from '../src/index.js';

const EXITS = {
  normal: { kind: 'normal' },
  shutdown: { kind: 'shutdown' },
  failed: { kind: 'failed', reason: 'trap' },
} as const satisfies Record<string, ChildExit>;
type ExitName = keyof typeof EXITS;

const STRATEGIES = ['one-for-one', 'one-for-all', 'rest-for-one'] as const satisfies readonly SupervisionStrategy[];
const TYPES = ['permanent', 'transient', 'temporary'] as const satisfies readonly RestartType[];
const IDS = ['a', 'b', 'c', 'd'] as const;
type Id = (typeof IDS)[number];

/** Four children in start order a, b, c, d: `failed` has restart type `type`, its siblings are permanent. */
function treeWith(failed: Id, type: RestartType): ChildSpec[] {
  return IDS.map((id) => ({ id, restart: id === failed ? type : 'permanent' }));
}

/** Children in start order from `id:type` pairs. */
function tree(...specs: string[]): ChildSpec[] {
  return specs.map((spec) => {
    const [id = '', restart = ''] = spec.split(':');
    return { id, restart: restart as RestartType };
  });
}

function plan(stop: string[], start: string[], remove: string[]): RestartPlan {
  return { stop, start, remove };
}

/** The plan when the failed child of the four-child tree is restarted; its siblings are all permanent. */
const RESTARTED: Record<SupervisionStrategy, Record<Id, RestartPlan>> = {
  'one-for-one': {
    a: plan([], ['a'], []),
    b: plan([], ['b'], []),
    c: plan([], ['c'], []),
    d: plan([], ['d'], []),
  },
  'one-for-all': {
    a: plan(['d', 'c', 'b'], ['a', 'b', 'c', 'd'], []),
    b: plan(['d', 'c', 'a'], ['a', 'b', 'c', 'd'], []),
    c: plan(['d', 'b', 'a'], ['a', 'b', 'c', 'd'], []),
    d: plan(['c', 'b', 'a'], ['a', 'b', 'c', 'd'], []),
  },
  'rest-for-one': {
    a: plan(['d', 'c', 'b'], ['a', 'b', 'c', 'd'], []),
    b: plan(['d', 'c'], ['b', 'c', 'd'], []),
    c: plan(['d'], ['c', 'd'], []),
    d: plan([], ['d'], []),
  },
};

/** Which (restart type, exit) pairs restart the child; every other pair removes it. */
const RESTARTS: Record<RestartType, Record<ExitName, boolean>> = {
  permanent: { normal: true, shutdown: true, failed: true },
  transient: { normal: false, shutdown: false, failed: true },
  temporary: { normal: false, shutdown: false, failed: false },
};

/** `[d, c]`: an id list as it reads in a test title. */
function list(ids: readonly string[]): string {
  return `[${ids.join(', ')}]`;
}

/** The stop, start and remove lists of `expected` as they read in a test title. */
function labels(expected: RestartPlan): [string, string, string] {
  return [list(expected.stop), list(expected.start), list(expected.remove)];
}

/** One row per strategy × restart type × exit × failed child: the title's words, then the expected plan. */
const matrix = STRATEGIES.flatMap((strategy) =>
  TYPES.flatMap((type) =>
    (Object.keys(EXITS) as ExitName[]).flatMap((exit) =>
      IDS.map((failed) => {
        const expected = RESTARTS[type][exit] ? RESTARTED[strategy][failed] : plan([], [], [failed]);
        return [strategy, type, failed, exit, ...labels(expected), expected] as const;
      }),
    ),
  ),
);

describe('planRestart', () => {
  it('covers every strategy, restart type, exit kind and position of the failed child', () => {
    expect(matrix).toHaveLength(3 * 3 * 3 * 4);
  });

  it.each(matrix)(
    'with %s, a %s child %s whose exit is %s stops %s, starts %s and removes %s',
    (strategy, type, failed, exit, _stop, _start, _remove, expected) => {
      expect(planRestart(strategy, treeWith(failed, type), failed, EXITS[exit])).toEqual(expected);
    },
  );

  describe('with temporary and transient siblings', () => {
    const mixed = tree('a:permanent', 'b:temporary', 'c:transient', 'd:permanent');
    const mixedRows: { strategy: SupervisionStrategy; failed: Id; exit: ExitName; expected: RestartPlan }[] = [
      { strategy: 'one-for-one', failed: 'a', exit: 'failed', expected: plan([], ['a'], []) },
      { strategy: 'one-for-one', failed: 'b', exit: 'failed', expected: plan([], [], ['b']) },
      { strategy: 'one-for-one', failed: 'c', exit: 'failed', expected: plan([], ['c'], []) },
      { strategy: 'one-for-one', failed: 'c', exit: 'normal', expected: plan([], [], ['c']) },
      { strategy: 'one-for-one', failed: 'd', exit: 'shutdown', expected: plan([], ['d'], []) },
      { strategy: 'one-for-all', failed: 'a', exit: 'failed', expected: plan(['d', 'c', 'b'], ['a', 'c', 'd'], ['b']) },
      { strategy: 'one-for-all', failed: 'b', exit: 'failed', expected: plan([], [], ['b']) },
      { strategy: 'one-for-all', failed: 'c', exit: 'failed', expected: plan(['d', 'b', 'a'], ['a', 'c', 'd'], ['b']) },
      { strategy: 'one-for-all', failed: 'c', exit: 'shutdown', expected: plan([], [], ['c']) },
      { strategy: 'one-for-all', failed: 'd', exit: 'normal', expected: plan(['c', 'b', 'a'], ['a', 'c', 'd'], ['b']) },
      { strategy: 'rest-for-one', failed: 'a', exit: 'failed', expected: plan(['d', 'c', 'b'], ['a', 'c', 'd'], ['b']) },
      { strategy: 'rest-for-one', failed: 'b', exit: 'normal', expected: plan([], [], ['b']) },
      { strategy: 'rest-for-one', failed: 'c', exit: 'failed', expected: plan(['d'], ['c', 'd'], []) },
      { strategy: 'rest-for-one', failed: 'c', exit: 'normal', expected: plan([], [], ['c']) },
      { strategy: 'rest-for-one', failed: 'd', exit: 'failed', expected: plan([], ['d'], []) },
    ];
    it.each(mixedRows.map((row) => [row.strategy, row.failed, row.exit, ...labels(row.expected), row] as const))(
      'with %s, child %s whose exit is %s stops %s, starts %s and removes %s',
      (strategy, failed, exit, _stop, _start, _remove, { expected }) => {
        expect(planRestart(strategy, mixed, failed, EXITS[exit])).toEqual(expected);
      },
    );

    const twoTemporaries = tree('a:temporary', 'b:permanent', 'c:temporary', 'd:transient');
    const twoTemporariesRows: { strategy: SupervisionStrategy; failed: Id; expected: RestartPlan }[] = [
      { strategy: 'one-for-all', failed: 'b', expected: plan(['d', 'c', 'a'], ['b', 'd'], ['a', 'c']) },
      { strategy: 'one-for-all', failed: 'd', expected: plan(['c', 'b', 'a'], ['b', 'd'], ['a', 'c']) },
      { strategy: 'rest-for-one', failed: 'b', expected: plan(['d', 'c'], ['b', 'd'], ['c']) },
      { strategy: 'rest-for-one', failed: 'd', expected: plan([], ['d'], []) },
    ];
    it.each(twoTemporariesRows.map((row) => [row.strategy, row.failed, list(row.expected.remove), row] as const))(
      'with %s, removes the stopped temporary siblings in start order when %s fails: %s',
      (strategy, failed, _remove, { expected }) => {
        expect(planRestart(strategy, twoTemporaries, failed, EXITS.failed)).toEqual(expected);
      },
    );
  });

  it.each(STRATEGIES)('with %s, restarts the only child of a one-child supervisor', (strategy) => {
    expect(planRestart(strategy, tree('a:permanent'), 'a', EXITS.failed)).toEqual(plan([], ['a'], []));
  });

  it('leaves the children list and its entries untouched', () => {
    const children = Object.freeze(treeWith('b', 'permanent').map((child) => Object.freeze(child)));
    const before = structuredClone(children);
    planRestart('one-for-all', children, 'b', EXITS.failed);
    planRestart('rest-for-one', children, 'b', EXITS.failed);
    expect(children).toEqual(before);
  });

  it('rejects an unknown failed child id with a RangeError naming the children', () => {
    expect(() => planRestart('one-for-one', treeWith('a', 'permanent'), 'x', EXITS.failed)).toThrow(
      new RangeError('unknown child id "x"; children are ["a", "b", "c", "d"]'),
    );
  });

  it('rejects any failed child id when there are no children', () => {
    expect(() => planRestart('one-for-all', [], 'a', EXITS.failed)).toThrow(new RangeError('unknown child id "a"; children are []'));
  });

  it('rejects children with duplicate ids with a RangeError', () => {
    expect(() => planRestart('one-for-one', tree('a:permanent', 'b:permanent', 'a:transient'), 'b', EXITS.failed)).toThrow(
      new RangeError('duplicate child id "a"'),
    );
  });

  it('rejects a child with an unknown restart type with a RangeError', () => {
    expect(() => planRestart('one-for-one', tree('a:permanent', 'b:forever'), 'a', EXITS.failed)).toThrow(
      new RangeError('unknown restart type "forever" for child "b"; expected one of permanent, transient, temporary'),
    );
  });

  it('rejects an unknown strategy with a RangeError', () => {
    expect(() => planRestart('all-for-one' as SupervisionStrategy, treeWith('a', 'permanent'), 'a', EXITS.failed)).toThrow(
      new RangeError('unknown supervision strategy "all-for-one"; expected one of one-for-one, one-for-all, rest-for-one'),
    );
  });

  it('rejects an unknown exit kind with a RangeError', () => {
    expect(() => planRestart('one-for-one', treeWith('a', 'permanent'), 'a', { kind: 'crashed' } as unknown as ChildExit)).toThrow(
      new RangeError('unknown child exit kind "crashed"; expected normal, shutdown or failed'),
    );
  });
});
