/**
 * The `timing` handler: the wall clock, and sleeping within the manifest's `min_sleep_ms`..`max_sleep_ms`. A sleep
 * blocks only the calling actor (its operation waits; other actors run), and counts against its call deadline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
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
  create({ config, now }): TimingHost {
    const wait = async (durationMs: bigint): Promise<void> => {
      if (durationMs < BigInt(config.minSleepMs) || durationMs > BigInt(config.maxSleepMs)) {
        throw new HostCallError(`permission-denied: a sleep of ${durationMs} ms is outside ${config.minSleepMs}..${config.maxSleepMs} ms`);
      }
      await sleep(Number(durationMs));
    };
    return {
      'theater:simple/timing': {
        now: () => BigInt(Math.trunc(now())),
        sleep: (durationMs) => wait(durationMs),
        deadline: (timestampMs) => {
          const remaining = timestampMs - BigInt(Math.trunc(now()));
          return wait(remaining > 0n ? remaining : 0n);
        },
      },
    };
  },
};
