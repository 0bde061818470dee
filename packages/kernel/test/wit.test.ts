import { describe, expect, it } from 'vitest';
import { componentEmbed, componentNew, componentWit } from '@bytecodealliance/jco';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { WIT_INTERFACES } from '../src/index.js';

const witDir = fileURLToPath(new URL('../../../wit/', import.meta.url));
const WORLDS = ['minimal-actor', 'message-receiver-actor', 'message-server-actor', 'supervisor-actor', 'http-actor', 'full-actor'];

async function witSource(): Promise<string> {
  const files = (await readdir(witDir)).filter((f) => f.endsWith('.wit'));
  return (await Promise.all(files.map((f) => readFile(join(witDir, f), 'utf8')))).join('\n');
}

describe('the theater:simple WIT package', () => {
  it.each(WORLDS)('validates and encodes world %s', async (world) => {
    const component = await componentNew(await componentEmbed({ dummy: true, witPath: witDir, world }));
    expect(await componentWit(component)).toContain('theater:simple/actor');
  });

  it('declares exactly the interfaces of theater:simple', async () => {
    const interfaces = [...(await witSource()).matchAll(/^interface ([a-z-]+) \{/gm)].map((m) => m[1]).sort();
    expect(interfaces).toEqual(
      [
        'actor',
        'environment',
        'filesystem',
        'http-client',
        'http-framework',
        'http-handlers',
        'http-types',
        'message-server-client',
        'message-server-host',
        'process',
        'process-handlers',
        'random',
        'runtime',
        'store',
        'supervisor',
        'supervisor-handlers',
        'timing',
        'types',
        'websocket-types',
      ].sort(),
    );
  });

  it('generates a reference entry for every interface and function', async () => {
    const source = await witSource();
    for (const block of source.matchAll(/^interface ([a-z0-9-]+) \{([\s\S]*?)^\}/gm)) {
      const name = `theater:simple/${block[1]}`;
      const functions = [...(block[2] ?? '').matchAll(/^\s+([a-z0-9-]+): func\(/gm)].map((m) => m[1]);
      expect(Object.keys(WIT_INTERFACES[name]?.functions ?? {}), name).toEqual(functions);
    }
  });

  it('keeps the upstream runtime and message-server signatures', () => {
    expect(WIT_INTERFACES['theater:simple/runtime']?.declarations).toMatchObject({
      log: 'function log(msg: string): void;',
      getState: 'function getState(): State;',
      getChain: 'function getChain(): Array<ChainEvent>;',
      shutdown: 'function shutdown(data: State): void;',
    });
    expect(WIT_INTERFACES['theater:simple/message-server-client']?.declarations['handleRequest']).toBe(
      'function handleRequest(state: State, params: [string, Uint8Array]): [State, [Uint8Array | undefined]];',
    );
    expect(WIT_INTERFACES['theater:simple/runtime']?.fallible).toEqual(['shutdown']);
  });
});
