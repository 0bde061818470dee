import { describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { capModuleMemory } from '../src/component/memoryCap.js';

const PAGE = 65_536;

async function grow(wat: string, capBytes: number, pages: number): Promise<number> {
  const capped = capModuleMemory(await parse(wat), capBytes);
  const { instance } = await WebAssembly.instantiate(capped);
  return (instance.exports['grow'] as (n: number) => number)(pages);
}

const GROWER = (memory: string): string => `(module ${memory} (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

describe('capModuleMemory', () => {
  it('lets memory grow up to the cap and refuses past it', async () => {
    expect(await grow(GROWER('(memory 1)'), 4 * PAGE, 3)).toBe(1);
    expect(await grow(GROWER('(memory 1)'), 4 * PAGE, 4)).toBe(-1);
  });

  it('keeps a declared maximum that is already lower than the cap', async () => {
    expect(await grow(GROWER('(memory 1 2)'), 8 * PAGE, 2)).toBe(-1);
    expect(await grow(GROWER('(memory 1 2)'), 8 * PAGE, 1)).toBe(1);
  });

  it('refuses a module whose initial memory exceeds the cap', async () => {
    const module = await parse(GROWER('(memory 3)'));
    expect(() => capModuleMemory(module, 2 * PAGE)).toThrow(expect.objectContaining({ code: 'component-too-large' }) as Error);
  });

  it('leaves modules without memory unchanged in meaning', async () => {
    const module = await parse('(module (func (export "f") (result i32) (i32.const 7)))');
    const { instance } = await WebAssembly.instantiate(capModuleMemory(module, PAGE));
    expect((instance.exports['f'] as () => number)()).toBe(7);
  });

  it('rejects bytes that are not a core module', () => {
    expect(() => capModuleMemory(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), PAGE)).toThrow(
      expect.objectContaining({ code: 'invalid-component', message: 'not a core WebAssembly module (bad magic)' }) as Error,
    );
  });
});
