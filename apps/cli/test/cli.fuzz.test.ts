/**
 * Fuzzes the built `theater` binary with argument lists drawn from its real commands, flags and values, files good
 * and bad, and garbage. Each process ends within a time bound and a memory cap with an exit code of the policy
 * (0, 1 or 2) and no stack trace; under --json a command prints one JSON object, on failure `{ error: { code,
 * message } }` or a verdict with `ok: false`. The built binary when it is up to date, else the source (helpers/theaterProcess).
 * Runs: THEATER_FUZZ_RUNS (one case costs about 20 in-process ones); seed: THEATER_FUZZ_SEED.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem } from '@theater/kernel';
import { testActorManifest } from '@theater/test-actors';
import { changedChainFile } from '@theater/test-actors/chain-file-mutations';
import { fuzzParameters } from '@theater/test-actors/fuzz';
import { createTempDir } from './helpers/tempDir.js';
import { theaterNodeArgs } from './helpers/theaterProcess.js';

/** The longest one command may take (a run of echo included), even on a loaded machine. */
const TIME_BOUND_MS = 30_000;
/** The longest `chain verify` or `replay` of a small changed file may take. */
const CHAIN_TIME_BOUND_MS = 30_000;
/** The heap a command may use: past it Node aborts, and the exit code is not one of the policy's. */
const HEAP_LIMIT_MB = 512;

/**
 * Known defects being fixed on other branches; the bounded runs under `pnpm test` tolerate these outcomes until those
 * fixes are merged, then this list is emptied. `pnpm fuzz` (THEATER_FUZZ_RUNS set) never tolerates them.
 * - 11: a usage error (unknown flag, missing argument, bad flag value) under --json prints oclif's internals
 *   (`{ error: { oclif, parse, … } }`, no code) and exits 1 instead of 2.
 * - 4: `theater replay` of a changed chain file reports a match (exit 0) where `chain verify` rejects it.
 * - 5: `theater replay` of corrupted event data fails with an uncoded error, or under --json never exits.
 * - help: not one of the listed defects, found by this test and reported (not fixed here): `theater help <unknown>
 *   <unknown flag>` prints oclif stack traces and exits 1 (see the `it.fails` test below); likely fixed with 11.
 */

const COMMANDS = [
  'run',
  'build',
  'events',
  'replay',
  'chain verify',
  'chain export',
  'start',
  'stop',
  'restart',
  'list',
  'tree',
  'inspect',
  'state',
  'message send',
  'message request',
  'channel open',
] as const;

let dir: Awaited<ReturnType<typeof createTempDir>>;
let home: string;
/** Values an argument may take: paths good and bad, ids, keys, numbers and garbage. */
let values: string[];
/** The unmodified export of echo's chain. */
let exported: Uint8Array;

beforeAll(async () => {
  dir = await createTempDir('fuzz');
  home = join(dir.path, 'home');
  const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 1 });
  let actorId: string;
  let file: Uint8Array;
  try {
    const echo = await system.spawn(testActorManifest('echo'));
    await echo.send(new TextEncoder().encode('hello'));
    await echo.stop();
    actorId = echo.id;
    const chunks: Uint8Array[] = [];
    for await (const chunk of system.exportChain(actorId)) chunks.push(chunk);
    file = new Uint8Array(Buffer.concat(chunks));
  } finally {
    await system.close();
  }
  exported = file;
  const chainFile = join(dir.path, 'echo.chain');
  await writeFile(chainFile, file);
  const flipped = Uint8Array.from(file);
  flipped[file.length >> 1] = flipped[file.length >> 1]! ^ 0x04;
  await writeFile(join(dir.path, 'flipped.chain'), flipped);
  await writeFile(join(dir.path, 'truncated.chain'), file.subarray(0, file.length - 7));
  await writeFile(join(dir.path, 'bad.toml'), 'name = 1\n[limits]\nmemory_mb = "lots"\n[[handler]]\ntype = "nope"\n');
  await writeFile(join(dir.path, 'not-toml.toml'), '[[[\n= = =\n');
  await mkdir(join(dir.path, 'empty-actor'));
  values = [
    testActorManifest('echo'),
    testActorManifest('small'),
    join(dir.path, 'bad.toml'),
    join(dir.path, 'not-toml.toml'),
    chainFile,
    join(dir.path, 'flipped.chain'),
    join(dir.path, 'truncated.chain'),
    join(dir.path, 'absent.chain'),
    join(dir.path, 'out.chain'),
    join(dir.path, 'empty-actor'),
    dir.path,
    '/dev/null',
    '/nonexistent/x',
    home,
    actorId,
    actorId.slice(0, 8),
    actorId.slice(0, 1),
    'nobody',
    '',
    ' ',
    '-',
    '--',
    '-1',
    '0',
    '1',
    '3',
    '1e9',
    '18446744073709551616',
    'NaN',
    '0x10',
    'hello',
    'state',
    'chain',
    'shutdown',
    '"quoted"',
    'a b',
    '\u00e9\u4e2d\u{1F600}',
    '%s%n',
    '../../..',
    'ff'.repeat(32),
    '00'.repeat(31),
    'zz'.repeat(32),
    'wasm.call',
    'actor.spawn',
    'message-server-actor',
    'src/index.ts',
  ];
});

afterAll(async () => {
  await dir.remove();
});

const FLAGS = [
  '--json',
  '--help',
  '-h',
  '--home',
  '--trust',
  '--from',
  '--limit',
  '-n',
  '--type',
  '--send',
  '-s',
  '--request',
  '-r',
  '--component',
  '--output',
  '-o',
  '--force',
  '-f',
  '--entry',
  '--world',
  '--out',
  '--bogus',
  '--json=true',
  '--no-json',
];

/** A token: a flag, a value (by index into `values`, filled in once they exist), or random text. */
type Token = { readonly flag: string } | { readonly value: number } | { readonly text: string };

const value: fc.Arbitrary<Token> = fc.oneof(
  { weight: 5, arbitrary: fc.nat().map((index) => ({ value: index })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((text) => ({ text })) },
);
/** Mostly a flag with a value, sometimes a flag or a value alone, so most lists get past the parser. */
const option: fc.Arbitrary<Token[]> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(
      fc.constantFrom(...FLAGS).map((flag): Token => ({ flag })),
      value,
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...FLAGS).map((flag): Token[] => [{ flag }]) },
  { weight: 1, arbitrary: value.map((v) => [v]) },
);

const invocation = fc.record({
  command: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...COMMANDS) },
    { weight: 1, arbitrary: fc.constantFrom('chain', 'help', 'nonexistent', '') },
  ),
  tokens: fc
    .tuple(fc.option(value, { freq: 5 }), fc.array(option, { maxLength: 3 }))
    .map(([first, options]) => [...(first === null ? [] : [first]), ...options.flat()]),
  json: fc.boolean(),
});

interface Ran {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs the binary with the home in the environment (never the user's), killing it past the time bound. */
function theater(argv: readonly string[], timeBoundMs = TIME_BOUND_MS): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, ...theaterNodeArgs(), ...argv], {
      cwd: dir.path,
      env: { ...process.env, THEATER_HOME: home, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeBoundMs);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, timedOut });
    });
  });
}

describe('the theater binary, fuzzed', () => {
  it(
    'exits 0, 1 or 2 within bounds, with no stack trace, and one JSON object under --json',
    async () => {
      await fc.assert(
        fc.asyncProperty(invocation, async ({ command, tokens, json }) => {
          const rest = tokens.map((t) => ('flag' in t ? t.flag : 'value' in t ? values[t.value % values.length]! : t.text));
          const argv = [...(command === '' ? [] : command.split(' ')), ...rest, ...(json ? ['--json'] : [])];
          const ran = await theater(argv);
          const shown = `theater ${JSON.stringify(argv)} → ${ran.exitCode ?? ran.signal}\nstdout: ${ran.stdout.slice(0, 2000)}\nstderr: ${ran.stderr.slice(0, 2000)}`;
          expect(ran.timedOut, shown).toBe(false);
          expect([0, 1, 2], shown).toContain(ran.exitCode);
          expect(`${ran.stdout}\n${ran.stderr}`, shown).not.toMatch(/^\s+at .+:\d+:\d+\)?$/mu);

          // --json applies to a command's own output: not to help, topics or unknown commands.
          const jsonOutput =
            json && (COMMANDS as readonly string[]).includes(command) && !argv.some((a) => ['--help', '-h', '--', '--no-json'].includes(a));
          if (!jsonOutput) return;
          let output: unknown;
          expect(() => (output = JSON.parse(ran.stdout)), shown).not.toThrow();
          expect(typeof output === 'object' && output !== null && !Array.isArray(output), shown).toBe(true);
          if (ran.exitCode === 0) return;
          const { error, ok } = output as { error?: { code?: unknown; message?: unknown; oclif?: unknown }; ok?: unknown };
          if (error === undefined) {
            expect(ok, shown).toBe(false);
            expect(ran.exitCode, shown).toBe(1);
          } else {
            expect(typeof error.code, shown).toBe('string');
            expect(typeof error.message, shown).toBe('string');
          }
        }),
        { ...fuzzParameters('cli: argv', { runs: 10, cost: 20 }), timeout: TIME_BOUND_MS + 5000 },
      );
    },
    20 * 60_000,
  );

  it(
    'exits 1 or 2 for every changed chain file, in chain verify and replay, with a coded error or an invalid verdict',
    async () => {
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(
          changedChainFile(exported),
          fc.constantFrom('chain verify', 'replay'),
          fc.boolean(),
          async ({ bytes }, command, json) => {
            const file = join(dir.path, `changed-${cases++}.chain`);
            await writeFile(file, bytes);
            const argv = [...command.split(' '), file, ...(json ? ['--json'] : [])];
            const ran = await theater(argv, CHAIN_TIME_BOUND_MS);
            const shown = `theater ${JSON.stringify(argv)} → ${ran.exitCode ?? ran.signal}\nstdout: ${ran.stdout.slice(0, 2000)}\nstderr: ${ran.stderr.slice(0, 2000)}`;
            let output: { error?: { code?: unknown; message?: unknown }; ok?: unknown } | undefined;
            try {
              output = json ? (JSON.parse(ran.stdout) as typeof output) : undefined;
            } catch {
              output = undefined;
            }
            const coded = json ? typeof output?.error?.code === 'string' || output?.ok === false : /^[a-z-]+: |^✗ /u.test(ran.stderr);
            expect(ran.timedOut, shown).toBe(false);
            expect([1, 2], shown).toContain(ran.exitCode);
            expect(`${ran.stdout}\n${ran.stderr}`, shown).not.toMatch(/^\s+at .+:\d+:\d+\)?$/mu);
            expect(coded, shown).toBe(true);
          },
        ),
        { ...fuzzParameters('cli: changed chain files', { runs: 6, cost: 20 }), timeout: CHAIN_TIME_BOUND_MS + 5000 },
      );
    },
    20 * 60_000,
  );

  // Found by the argv property (seed 98765): the help command's usage error made oclif look up help for the unknown
  // command inside its error handler, which threw again (two stack traces, exit 1).
  it('exits 2 with no stack trace for help on an unknown command with an unknown flag', async () => {
    const ran = await theater(['help', 'x', '--json']);
    expect(`${ran.stdout}\n${ran.stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/mu);
    expect(ran.exitCode).toBe(2);
  });
});
