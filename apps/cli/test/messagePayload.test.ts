import { describe, expect, it } from 'vitest';
import { takeJsonPayload } from '../src/lib/messagePayload.js';

describe('takeJsonPayload', () => {
  it('takes --json <value> right after the id as the payload, leaving a later --json as the output flag', () => {
    expect(takeJsonPayload(['abcd', '--json', '{"add":1}', '--json'])).toEqual({ argv: ['abcd', '--json'], json: '{"add":1}' });
    // Before the id it is the output flag, as the README says: only right after the id is it the payload.
    expect(takeJsonPayload(['--json', '1', 'abcd'])).toEqual({ argv: ['--json', '1', 'abcd'], json: undefined });
  });

  it('reads --json after a text argument, or followed by a flag or nothing, as the output flag', () => {
    expect(takeJsonPayload(['abcd', 'hello', '--json'])).toEqual({ argv: ['abcd', 'hello', '--json'], json: undefined });
    expect(takeJsonPayload(['abcd', 'hello', '--json', '2'])).toEqual({ argv: ['abcd', 'hello', '--json', '2'], json: undefined });
    expect(takeJsonPayload(['abcd', '--json', '--file', 'm.bin'])).toEqual({
      argv: ['abcd', '--json', '--file', 'm.bin'],
      json: undefined,
    });
    expect(takeJsonPayload(['abcd', '--json'])).toEqual({ argv: ['abcd', '--json'], json: undefined });
  });

  it('always takes --json=<value> as the payload, and skips the values of value flags when counting arguments', () => {
    expect(takeJsonPayload(['abcd', 'text', '--json=-1'])).toEqual({ argv: ['abcd', 'text'], json: '-1' });
    expect(takeJsonPayload(['--server', 'http://h', 'abcd', '--json', '[]'])).toEqual({
      argv: ['--server', 'http://h', 'abcd'],
      json: '[]',
    });
    expect(takeJsonPayload(['abcd', '--', '--json', '1'])).toEqual({ argv: ['abcd', '--', '--json', '1'], json: undefined });
  });
});
