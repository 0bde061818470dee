/** How a redacted host call is recorded: the strings its pointers name are withheld, and the pointers listed. */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactedHostCall, redacting, redactionOf } from '../src/redaction.js';

describe('redactedHostCall', () => {
  it("replaces the strings the pointers name, lists the pointers and leaves the call's own values untouched", () => {
    const request = {
      method: 'POST',
      uri: 'http://h/',
      headers: [
        ['content-type', 'a/b'],
        ['authorization', 'Bearer sk-1'],
      ],
    };
    const args = [request];
    const recorded = redactedHostCall(args, { result: { status: 200, headers: [['set-cookie', 's=1']] } }, [
      '/args/0/headers/1/1',
      '/result/headers/0/1',
    ]);
    expect(recorded).toEqual({
      args: [
        {
          method: 'POST',
          uri: 'http://h/',
          headers: [
            ['content-type', 'a/b'],
            ['authorization', REDACTED],
          ],
        },
      ],
      result: { status: 200, headers: [['set-cookie', REDACTED]] },
      redacted: ['/args/0/headers/1/1', '/result/headers/0/1'],
    });
    expect(request.headers[1]).toEqual(['authorization', 'Bearer sk-1']);
    expect(Object.keys(recorded)).toEqual(['args', 'result', 'redacted']);
  });

  it("withholds a whole string result, and an error call's args", () => {
    expect(redactedHostCall(['KEY'], { result: 'sk-1' }, ['/result'])).toEqual({ args: ['KEY'], result: REDACTED, redacted: ['/result'] });
    expect(redactedHostCall([{ h: 'x' }], { error: 'refused' }, ['/args/0/h', '/result'])).toEqual({
      args: [{ h: REDACTED }],
      error: 'refused',
      redacted: ['/args/0/h'],
    });
  });

  it('ignores pointers that reach no string, and records the call as it is when none does', () => {
    const args = [{ body: new Uint8Array([1]), list: ['a'], n: 1 }];
    const pointers = ['/args/0/body', '/args/0/list/1', '/args/0/list/01', '/args/0/n', '/args/1', '/state', 'args/0', '/result', ''];
    expect(redactedHostCall(args, { result: null }, pointers)).toEqual({ args, result: null });
  });

  it('reads ~1 and ~0 in a pointer as / and ~', () => {
    expect(redactedHostCall([{ 'a/b': 'x', 'c~d': 'y' }], { result: null }, ['/args/0/a~1b', '/args/0/c~0d'])).toEqual({
      args: [{ 'a/b': REDACTED, 'c~d': REDACTED }],
      result: null,
      redacted: ['/args/0/a~1b', '/args/0/c~0d'],
    });
  });
});

describe('redacting', () => {
  it('marks a host function with its redaction, and leaves it callable as it was', () => {
    const redaction = () => ['/result'];
    const fn = redacting((name: string) => `value of ${name}`, redaction);
    expect(fn('A')).toBe('value of A');
    expect(redactionOf(fn)).toBe(redaction);
    expect(redactionOf(() => 1)).toBeUndefined();
    expect(redactionOf(undefined)).toBeUndefined();
  });
});
