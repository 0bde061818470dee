import { describe, expect, it } from 'vitest';
import { planMessages, withoutAttachedMessages } from '../src/lib/messagePlan.js';

describe('planMessages', () => {
  it('interleaves sends and requests in command-line order', () => {
    const argv = ['m.toml', '--send', 'a', '--request', 'b', '--send', 'c', '--request', 'd'];
    expect(planMessages(argv, ['a', 'c'], ['b', 'd'])).toEqual([
      { kind: 'send', text: 'a' },
      { kind: 'request', text: 'b' },
      { kind: 'send', text: 'c' },
      { kind: 'request', text: 'd' },
    ]);
  });

  it('understands --flag=value, short flags and values that look like flags', () => {
    // Attached values come from the tokens themselves: oclif parses argv without them.
    const argv = ['--request=x', 'm.toml', '-s', 'y', '-rz', '--send', '--request', '--json', '-s=--json', '--send=--request=a'];
    expect(planMessages(argv, ['y', '--request'], [])).toEqual([
      { kind: 'request', text: 'x' },
      { kind: 'send', text: 'y' },
      { kind: 'request', text: 'z' },
      { kind: 'send', text: '--request' },
      { kind: 'send', text: '--json' },
      { kind: 'send', text: '--request=a' },
    ]);
  });

  it('keeps message flags with attached values from oclif, and everything else', () => {
    const argv = ['m.toml', '--send=--json', '-r--help', '-s=', '--send', '--request=x', '--home', 'h', '--json', '--', '--send=y'];
    expect(withoutAttachedMessages(argv)).toEqual(['m.toml', '--send', '--request=x', '--home', 'h', '--json', '--', '--send=y']);
  });

  it('ignores everything after --', () => {
    expect(planMessages(['--send', 'a', '--', '--request', 'b'], ['a'], [])).toEqual([{ kind: 'send', text: 'a' }]);
  });

  it('still delivers values the scan could not place', () => {
    expect(planMessages([], ['a'], ['b'])).toEqual([
      { kind: 'send', text: 'a' },
      { kind: 'request', text: 'b' },
    ]);
  });
});
