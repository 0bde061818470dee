import { describe, expect, it } from 'vitest';
import { planMessages } from '../src/lib/messagePlan.js';

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
    const argv = ['--request=x', 'm.toml', '-s', 'y', '-rz', '--send', '--request', '--json'];
    expect(planMessages(argv, ['y', '--request'], ['x', 'z'])).toEqual([
      { kind: 'request', text: 'x' },
      { kind: 'send', text: 'y' },
      { kind: 'request', text: 'z' },
      { kind: 'send', text: '--request' },
    ]);
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
