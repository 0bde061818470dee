import { describe, expect, it } from 'vitest';
import { bytesCodec, decodeReply, encodeErrorReply, encodeReply, jsonCodec, MessagingError, textCodec } from '../src/guest.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function invalidReply(run: () => unknown): MessagingError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MessagingError);
    expect((error as MessagingError).code).toBe('invalid-reply');
    return error as MessagingError;
  }
  throw new Error('expected an invalid-reply MessagingError');
}

describe('the JSON reply envelope', () => {
  it('wraps a value as {"ok": value} and an error as {"error": error}', () => {
    expect(text(encodeReply({ count: 2 }))).toBe('{"ok":{"count":2}}');
    expect(text(encodeReply(undefined))).toBe('{"ok":null}');
    expect(text(encodeErrorReply({ code: 'not-found', message: 'no note 3' }))).toBe(
      '{"error":{"code":"not-found","message":"no note 3"}}',
    );
  });

  it('tells a value that looks like an error apart from an error reply', () => {
    const lookalike = { error: { code: 'x', message: 'a value, not an error' } };
    expect(decodeReply(encodeReply(lookalike))).toEqual({ ok: true, value: lookalike });
    expect(decodeReply(encodeErrorReply({ code: 'x', message: 'an error' }))).toEqual({
      ok: false,
      error: { code: 'x', message: 'an error' },
    });
  });

  it('decodes the value with the requester codec, which may check it', () => {
    const count = jsonCodec<number>((value) => {
      if (typeof value !== 'number') throw new TypeError(`expected a number, got ${typeof value}`);
      return value;
    });
    expect(decodeReply(utf8('{"ok":3}'), count)).toEqual({ ok: true, value: 3 });
    expect(invalidReply(() => decodeReply(utf8('{"ok":"3"}'), count)).message).toBe(
      "invalid reply: the reply's value does not decode (json): expected a number, got string",
    );
  });

  it('refuses bytes that are not an envelope, naming what it got', () => {
    expect(invalidReply(() => decodeReply(utf8('3'))).message).toBe(
      'invalid reply: expected a JSON reply {"ok":…} or {"error":…}, got "3"',
    );
    expect(invalidReply(() => decodeReply(utf8('{"ok":1,"error":2}'))).message).toContain('got "{\\"ok\\":1,\\"error\\":2}"');
    expect(invalidReply(() => decodeReply(utf8('echo:hi'))).message).toContain('expected a JSON reply');
    expect(invalidReply(() => decodeReply(new Uint8Array([0xff]))).message).toContain('1 bytes that are not UTF-8');
  });
});

describe('the byte-framed reply envelope (text, bytes and other binary codecs)', () => {
  it('prefixes a value with ok: and an error, as JSON, with error:', () => {
    expect(text(encodeReply('hello', textCodec))).toBe('ok:hello');
    expect(text(encodeErrorReply({ code: 'busy', message: 'later' }, textCodec))).toBe('error:{"code":"busy","message":"later"}');
    expect(encodeReply(new Uint8Array([1, 2]), bytesCodec)).toEqual(new Uint8Array([0x6f, 0x6b, 0x3a, 1, 2]));
  });

  it('round-trips values and errors', () => {
    expect(decodeReply(encodeReply('error:not really', textCodec), textCodec)).toEqual({ ok: true, value: 'error:not really' });
    expect(decodeReply(encodeReply(new Uint8Array([0xff]), bytesCodec), bytesCodec)).toEqual({ ok: true, value: new Uint8Array([0xff]) });
    expect(decodeReply(encodeErrorReply({ code: 'busy', message: 'later' }, bytesCodec), bytesCodec)).toEqual({
      ok: false,
      error: { code: 'busy', message: 'later' },
    });
  });

  it('refuses a reply in the other framing or with no framing', () => {
    expect(invalidReply(() => decodeReply(utf8('{"ok":"hi"}'), textCodec)).message).toBe(
      'invalid reply: expected a reply starting with "ok:" or "error:", got "{\\"ok\\":\\"hi\\"}"',
    );
    expect(invalidReply(() => decodeReply(utf8('ok:hi'))).message).toContain('expected a JSON reply');
    expect(invalidReply(() => decodeReply(utf8('error:oops'), textCodec)).message).toContain('the error reply is not JSON');
  });

  it('refuses an error value that is not JSON', () => {
    expect(() => encodeErrorReply(undefined)).toThrow('an error reply must be a JSON value, got undefined');
  });
});
