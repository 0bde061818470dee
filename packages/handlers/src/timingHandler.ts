/**
 * The `timing` handler: the wall clock, and sleeping within the manifest's `min_sleep_ms`..`max_sleep_ms`. A sleep
 * blocks only the calling actor (its operation waits; other actors run), and counts against its call deadline. Time
 * and sleeps run on the system's clock, so a test moves them with a TestClock instead of waiting.
 */
import { handlerType, HostCallError, integer, showValue, table, type HandlerDefinition, type HostInterfaces } from '@theater/kernel';

type TimingHost = Pick<HostInterfaces, 'theater:simple/timing'>;

/** `type = "timing"`: clock and sleeps between `minSleepMs` and `maxSleepMs`. */
export interface TimingHandlerConfig {
  readonly type: 'timing';
  readonly minSleepMs: number;
  readonly maxSleepMs: number;
}

const configSchema = table({
  type: handlerType('timing'),
  min_sleep_ms: integer('non-negative')
    .default(0)
    .describe('The shortest sleep or deadline the actor may ask for, in milliseconds; at most max_sleep_ms.'),
  max_sleep_ms: integer('non-negative')
    .default(3_600_000)
    .describe('The longest sleep or deadline the actor may ask for, in milliseconds.'),
})
  .refine((v) => v.min_sleep_ms <= v.max_sleep_ms, {
    path: ['min_sleep_ms'],
    error: (issue) => {
      const v = isTable(issue.input) ? issue.input : {};
      return `must not exceed max_sleep_ms (${showValue(v['min_sleep_ms'])} > ${showValue(v['max_sleep_ms'])})`;
    },
  })
  .transform((v): TimingHandlerConfig => ({ type: 'timing', minSleepMs: v.min_sleep_ms, maxSleepMs: v.max_sleep_ms }));

/** Grants `theater:simple/timing`. */
export const timingHandler: HandlerDefinition<TimingHandlerConfig> = {
  type: 'timing',
  description: 'The clock, sleeps and deadlines (theater:simple/timing).',
  config: configSchema,
  provides: ['theater:simple/timing'],
  requiredExports: {},
  excess(wanted, held) {
    if (wanted.minSleepMs >= held.minSleepMs && wanted.maxSleepMs <= held.maxSleepMs) return undefined;
    return `sleeps of ${wanted.minSleepMs}..${wanted.maxSleepMs} ms exceed the parent's ${held.minSleepMs}..${held.maxSleepMs} ms`;
  },
  create({ config, clock }): TimingHost {
    const wait = async (durationMs: bigint): Promise<void> => {
      if (durationMs < BigInt(config.minSleepMs) || durationMs > BigInt(config.maxSleepMs)) {
        throw new HostCallError(`permission-denied: a sleep of ${durationMs} ms is outside ${config.minSleepMs}..${config.maxSleepMs} ms`);
      }
      // A zero sleep (a deadline already past) waits for no timer: a test clock would hold it until advanced.
      if (durationMs > 0n) await new Promise<void>((resolve) => clock.setTimeout(resolve, Number(durationMs)));
    };
    return {
      'theater:simple/timing': {
        now: () => BigInt(Math.trunc(clock.now())),
        sleep: (durationMs) => wait(durationMs),
        deadline: (timestampMs) => {
          const remaining = timestampMs - BigInt(Math.trunc(clock.now()));
          return wait(remaining > 0n ? remaining : 0n);
        },
      },
    };
  },
};

function isTable(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
