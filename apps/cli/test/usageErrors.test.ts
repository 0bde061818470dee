import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runTheater } from './helpers/runTheater.js';

/** Usage errors oclif's parser reports, with the message each gives. */
const CASES: { readonly name: string; readonly argv: readonly string[]; readonly message: RegExp }[] = [
  { name: 'an unknown flag', argv: ['run', 'm.toml', '--bogus'], message: /^Nonexistent flag: --bogus$/u },
  { name: 'a missing argument', argv: ['run'], message: /^Missing 1 required arg:\nmanifest {2}Path of the actor manifest/u },
  { name: 'a flag without its value', argv: ['run', 'm.toml', '--send'], message: /^Flag --send expects a value$/u },
  { name: 'a missing argument of a topic command', argv: ['chain', 'verify'], message: /^Missing 1 required arg:\ntarget /u },
];

describe('usage errors', () => {
  for (const { name, argv, message } of CASES) {
    it(`prints ${name} with its code, and under --json as one error object, exit 2 either way`, async () => {
      const plain = await runTheater(argv);
      expect(plain.exitCode).toBe(2);
      expect(plain.stderr).toMatch(/^invalid-usage: /u);
      expect(plain.stderr.slice('invalid-usage: '.length).replace(/\nSee more help with --help\n$/u, '')).toMatch(message);

      const { stdout, stderr, exitCode } = await runTheater([...argv, '--json']);
      expect(exitCode).toBe(2);
      expect(stderr).toBe('');
      const json = JSON.parse(stdout) as { error: { code: string; message: string } };
      expect(Object.keys(json)).toEqual(['error']);
      expect(Object.keys(json.error)).toEqual(['code', 'message']);
      expect(json.error.code).toBe('invalid-usage');
      expect(json.error.message).toMatch(message);
      expect(stdout).not.toContain(homedir());
      expect(stdout).not.toMatch(/\bat \S+ \(/u);
      expect(stdout.split('\n').length).toBeLessThan(12);
    });
  }
});
