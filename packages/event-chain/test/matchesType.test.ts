import { describe, expect, it } from 'vitest';
import { matchesAnyType, matchesType } from '../src/index.js';

describe('matchesType', () => {
  it('selects exact types, prefixes at a boundary, and any prefix ending with *', () => {
    expect(matchesType('wasm.call', 'wasm.call')).toBe(true);
    expect(matchesType('wasm.call', 'wasm')).toBe(true);
    expect(matchesType('wasm.call', 'wasm.')).toBe(true);
    expect(matchesType('wasm.callback', 'wasm.call')).toBe(false);
    expect(matchesType('wasm.call', 'was')).toBe(false);
    expect(matchesType('theater:simple/runtime.log', 'theater:simple/runtime')).toBe(true);
    expect(matchesType('theater:simple/runtime.log', 'theater:simple')).toBe(true);
    expect(matchesType('theater:simple/runtime.log', 'theater:')).toBe(true);
    expect(matchesType('wasm.call', 'wasm.c*')).toBe(true);
    expect(matchesType('actor.stop', 'wasm*')).toBe(false);
    expect(matchesType('wasm.call', '')).toBe(false);
    expect(matchesType('wasm.call', '*')).toBe(true);
  });

  it('selects with any of several patterns, and everything with none', () => {
    expect(matchesAnyType('actor.stop', ['wasm', 'actor'])).toBe(true);
    expect(matchesAnyType('actor.stop', ['wasm', 'actor.spawn'])).toBe(false);
    expect(matchesAnyType('actor.stop', [])).toBe(true);
  });
});
