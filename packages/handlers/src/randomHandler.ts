/**
 * The `random` handler: random bytes, ranges, floats and UUIDs. With `seed` set the sequence is deterministic (a
 * SHA-256 counter-mode stream of the seed), so tests are repeatable; without, it comes from the OS. Replay needs
 * neither: every value is recorded in the chain and answered from it.
 */
import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { handlerType, HostCallError, integer, table, type HandlerDefinition, type HostInterfaces } from '@theater/kernel';

type RandomHost = Pick<HostInterfaces, 'theater:simple/random'>;

const TWO_TO_64 = 1n << 64n;

/** `type = "random"`: random bytes and numbers, deterministic when `seed` is set. */
export interface RandomHandlerConfig {
  readonly type: 'random';
  readonly seed?: number;
  readonly maxBytes: number;
}

/** Sizes in the defaults below. */
const MIB = 1024 * 1024;

const configSchema = table({
  type: handlerType('random'),
  seed: integer('non-negative')
    .optional()
    .describe('Makes the numbers deterministic (a SHA-256 counter stream from this seed); without it they come from the OS.'),
  max_bytes: integer('positive').default(MIB).describe('The most random bytes one call may ask for.'),
}).transform(
  (v): RandomHandlerConfig =>
    v.seed === undefined ? { type: 'random', maxBytes: v.max_bytes } : { type: 'random', seed: v.seed, maxBytes: v.max_bytes },
);

/** Grants `theater:simple/random`. */
export const randomHandler: HandlerDefinition<RandomHandlerConfig> = {
  type: 'random',
  description: 'Random bytes, numbers and UUIDs (theater:simple/random).',
  config: configSchema,
  provides: ['theater:simple/random'],
  requiredExports: {},
  excess: (wanted, held) =>
    wanted.maxBytes > held.maxBytes ? `max_bytes ${wanted.maxBytes} exceeds the parent's ${held.maxBytes}` : undefined,
  create({ config }): RandomHost {
    const next = config.seed === undefined ? (size: number) => new Uint8Array(randomBytes(size)) : seededStream(config.seed);
    const uint64 = (): bigint => new DataView(next(8).buffer).getBigUint64(0);
    return {
      'theater:simple/random': {
        randomBytes(size) {
          if (size > config.maxBytes)
            throw new HostCallError(`permission-denied: ${size} random bytes requested; max_bytes is ${config.maxBytes}`);
          return next(size);
        },
        randomRange(min, max) {
          if (min >= max) throw new HostCallError(`invalid range: min (${min}) must be below max (${max})`);
          // Rejection sampling keeps every value in [min, max) equally likely.
          const span = max - min;
          const limit = TWO_TO_64 - (TWO_TO_64 % span);
          for (;;) {
            const value = uint64();
            if (value < limit) return min + (value % span);
          }
        },
        randomFloat: () => Number(uint64() >> 11n) / 2 ** 53,
        generateUuid() {
          const bytes = next(16);
          bytes[6] = (bytes[6]! & 0x0f) | 0x40;
          bytes[8] = (bytes[8]! & 0x3f) | 0x80;
          const hex = Buffer.from(bytes).toString('hex');
          return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
        },
      },
    };
  },
};

/** A deterministic byte stream: SHA-256(seed ‖ block counter), blocks concatenated. */
function seededStream(seed: number): (size: number) => Uint8Array {
  let counter = 0n;
  let buffered: Uint8Array = new Uint8Array(0);
  const block = (): Uint8Array => {
    const input = new Uint8Array(16);
    const view = new DataView(input.buffer);
    view.setBigUint64(0, BigInt(seed));
    view.setBigUint64(8, counter++);
    return sha256(input);
  };
  return (size) => {
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      if (buffered.length === 0) buffered = block();
      const take = Math.min(buffered.length, size - filled);
      out.set(buffered.subarray(0, take), filled);
      buffered = buffered.subarray(take);
      filled += take;
    }
    return out;
  };
}
