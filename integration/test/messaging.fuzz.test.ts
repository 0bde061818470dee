/**
 * Fuzzes messages through real actors: arbitrary bytes sent and requested to echo and to the hand-written counter
 * (small), directly and relayed by a messenger. Every call answers within a time bound, as expected or with a
 * KernelError with a code; no actor but the target is touched, none fails, and every chain still verifies.
 * Runs: THEATER_FUZZ_RUNS; seed: THEATER_FUZZ_SEED (see @theater/test-actors/fuzz).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKernelError, type Actor } from '@theater/kernel';
import { fuzzParameters } from '@theater/test-actors/fuzz';
import { decode, manifestOf, testSystem, text } from './helpers.js';

/** The longest one call may take, even on a loaded machine. */
const TIME_BOUND_MS = 5000;
/** Requests echo answers otherwise than `echo:<bytes>` (state, chain, shutdown…): not arbitrary bytes. */
const ECHO_COMMANDS = new Set(['state', 'chain', 'chain-json', 'stored', 'shutdown']);

const payload = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 256 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 64 }).map((s) => text(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 256 * 1024 }).map((n) => new Uint8Array(n).fill(0xff)) },
);

const message = fc.record({
  to: fc.constantFrom('echo', 'small', 'relay'),
  kind: fc.constantFrom('send', 'request'),
  bytes: payload.filter((bytes) => !ECHO_COMMANDS.has(decode(bytes))),
});

/** Runs `call` within the time bound; a rejection must be a KernelError with a code. */
async function settle<T>(call: () => Promise<T>): Promise<{ value: T } | { code: string }> {
  const started = performance.now();
  try {
    return { value: await call() };
  } catch (error) {
    if (!isKernelError(error)) throw new Error(`not a KernelError: ${String(error)}`, { cause: error });
    return { code: error.code };
  } finally {
    expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
  }
}

describe('messages, fuzzed', () => {
  it('delivers arbitrary bytes to echo and a counter, directly and relayed, touching no other actor', async () => {
    await using system = await testSystem();
    const echo = await system.spawn(await manifestOf('echo'));
    const small = await system.spawn(await manifestOf('small'));
    const relay = await system.spawn(await manifestOf('messenger'));
    const bystander = await system.spawn(await manifestOf('echo'));
    const actors: Actor[] = [echo, small, relay, bystander];
    let counted = 0;

    await fc.assert(
      fc.asyncProperty(message, async ({ to, kind, bytes }) => {
        if (to === 'relay') {
          // The messenger asks echo for it: `ask <id> <text>`, the text as the messenger decodes it.
          const outcome = await settle(() => relay.request(text(`${kind === 'send' ? 'tell' : 'ask'} ${echo.id} ${decode(bytes)}`)));
          expect('value' in outcome && decode(outcome.value)).toMatch(kind === 'send' ? /^sent$/u : /^reply:echo:/u);
        } else if (to === 'echo') {
          const outcome = kind === 'send' ? await settle(() => echo.send(bytes)) : await settle(() => echo.request(bytes));
          expect(outcome).toHaveProperty('value');
          if (kind === 'request' && 'value' in outcome) expect(decode(outcome.value as Uint8Array)).toMatch(/^echo:/u);
        } else {
          if (kind === 'send') {
            expect(await settle(() => small.send(bytes))).toHaveProperty('value');
            counted += 1;
          } else {
            const outcome = await settle(() => small.request(bytes));
            expect('value' in outcome && new DataView(outcome.value.buffer, outcome.value.byteOffset).getUint32(0, true)).toBe(counted);
          }
        }
        for (const actor of actors) expect(actor.status).toBe('running');
      }),
      { ...fuzzParameters('messages: arbitrary bytes', { runs: 30 }), timeout: TIME_BOUND_MS * 2 },
    );

    // The bystander was never addressed: it holds only its init, and every chain still verifies.
    expect(decode(await bystander.request(text('state')))).toBe('{"count":0}');
    for (const actor of actors) expect(await system.verify(actor.id)).toMatchObject({ ok: true });
  });
});
