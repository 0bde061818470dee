/**
 * The `timing` handler: the wall clock, and sleeping within the manifest's `min_sleep_ms`..`max_sleep_ms`. A sleep
 * blocks only the calling actor (its operation waits; other actors run), and counts against its call deadline. Time
 * and sleeps run on the system's clock, so a test moves them with a TestClock instead of waiting.
 */
import { HostCallError, type HandlerDefinition, type HostInterfaces, type TimingHandlerConfig } from '@theater/kernel';

type TimingHost = Pick<HostInterfaces, 'theater:simple/timing'>;

/** Grants `theater:simple/timing`. */
export const timingHandler: HandlerDefinition<TimingHandlerConfig> = {
  type: 'timing',
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
