import { describe, expect, it } from 'vitest';
import { runTheater } from './helpers/runTheater.js';

describe('theater --help', () => {
  it('lists the commands and the chain topic', async () => {
    const { stdout, exitCode } = await runTheater(['--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^\s+run\s+Run an actor/mu);
    expect(stdout).toMatch(/^\s+build\s+Build an actor directory/mu);
    expect(stdout).toMatch(/^\s+events\s+List an actor's chain events/mu);
    expect(stdout).toMatch(/^\s+chain\s+Verify and export actors' event chains/mu);
  });

  it('documents the flags and exit codes of run', async () => {
    const { stdout, exitCode } = await runTheater(['run', '--help']);
    expect(exitCode).toBe(0);
    for (const flag of ['--send', '--request', '--json', '--home']) expect(stdout).toContain(flag);
    expect(stdout).toContain('Exit codes: 0 ok; 1 the actor failed');
  });
});
