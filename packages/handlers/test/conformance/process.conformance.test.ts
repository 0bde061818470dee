/** The process handler through the conformance suite, driven by the spawner test actor. */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { ProcessHandlerConfig } from '../../src/index.js';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers, processHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

const grant = (changes: Partial<ProcessHandlerConfig>): ProcessHandlerConfig => ({
  type: 'process',
  allowedPrograms: ['echo'],
  maxProcesses: 3,
  maxOutputBuffer: 65536,
  ...changes,
});

testHandlerConformance({
  definition: processHandler,
  handlers: defaultHandlers(),
  // Allows echo, cat, sleep, pwd, ls, printenv and printf, in a private temporary directory.
  manifest: testActorManifest('spawner'),
  async drive({ ask }) {
    expect(await ask('spawn raw echo hello')).toBe('1');
    // Output arrives as calls of process-handlers; wait for the exit.
    let output = await ask('output');
    for (let attempt = 0; attempt < 200 && !output.includes('"exit"'); attempt++) {
      await sleep(25);
      output = await ask('output');
    }
    expect(JSON.parse(output)).toEqual([
      { pid: 1, stdout: 'hello\n' },
      { pid: 1, exit: 0 },
    ]);
    expect(JSON.parse(await ask('status 1'))).toMatchObject({ running: false, exitCode: 0 });
    expect(await ask('spawn raw sleep 30')).toBe('2');
    expect(await ask('signal 2 15')).toBe('ok');
    // Still running when the actor stops: its cleanup kills it.
    expect(await ask('spawn raw sleep 30')).toBe('3');
  },
  denial: { request: 'spawn raw rm -rf .', function: 'os-spawn', error: 'permission-denied: program rm is not in allowed_programs' },
  invalidConfigs: [
    { table: 'type = "process"\nmax_processes = 0', field: 'max_processes' },
    { table: 'type = "process"\ncwd = ""', field: 'cwd' },
    { table: 'type = "process"\nallowed_programs = "sh"', field: 'allowed_programs' },
  ],
  excess: {
    pairs: [
      { narrow: grant({}), wide: grant({ allowedPrograms: ['echo', 'sh'] }), excess: "allowed_programs sh are not the parent's" },
      { narrow: grant({}), wide: grant({ maxProcesses: 4 }), excess: "max_processes 4 exceeds the parent's 3" },
      { narrow: grant({}), wide: grant({ maxOutputBuffer: 65537 }), excess: "max_output_buffer 65537 exceeds the parent's 65536" },
      // Directories of this package, which exist: cwd is compared by real path too.
      { narrow: grant({ cwd: 'src' }), wide: grant({ cwd: '.' }), excess: "is outside the parent's" },
    ],
  },
});
