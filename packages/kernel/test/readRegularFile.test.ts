import { execFileSync } from 'node:child_process';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatByteLimit, readRegularFile } from '../src/files/readRegularFile.js';
import { tempDir } from './tempDir.js';

const MiB = 2 ** 20;

describe('readRegularFile', () => {
  it('reads a regular file whole', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'state.bin');
    const content = Uint8Array.from({ length: 3 * MiB + 17 }, (_, i) => i % 251);
    await writeFile(path, content);
    const read = await readRegularFile(path, 4 * MiB);
    expect(read.ok).toBe(true);
    expect(read.ok && Buffer.from(read.bytes).equals(Buffer.from(content))).toBe(true);
    // Exactly the file: nothing past its end in the buffer (states are posted to workers and recorded whole).
    expect(read.ok && read.bytes.buffer.byteLength).toBe(content.length);
  });

  it('reads an empty file as no bytes', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'empty');
    await writeFile(path, '');
    const read = await readRegularFile(path, 10);
    expect(read.ok && read.bytes.length).toBe(0);
  });

  it('reads a file of exactly the limit, and refuses one a byte over', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'f');
    await writeFile(path, 'x'.repeat(100));
    expect((await readRegularFile(path, 100)).ok).toBe(true);
    expect(await readRegularFile(path, 99)).toEqual({ ok: false, problem: 'too-large', detail: 'is 100 bytes; the limit is 99 bytes' });
  });

  it('refuses a sparse file over the limit from its size, without reading it', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'huge.wasm');
    await writeFile(path, '');
    await truncate(path, 3 * 2 ** 30);
    const started = performance.now();
    expect(await readRegularFile(path, 256 * MiB)).toEqual({
      ok: false,
      problem: 'too-large',
      detail: `is ${3 * 2 ** 30} bytes; the limit is 256 MiB`,
    });
    // Reading 3 GiB of zeros would take seconds and gigabytes; a refusal from the size takes neither.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reports a missing file', async () => {
    await using dir = await tempDir();
    expect(await readRegularFile(join(dir.path, 'nope'), 10)).toMatchObject({
      ok: false,
      problem: 'missing',
      detail: 'does not exist',
      cause: { code: 'ENOENT' },
    });
    expect(await readRegularFile(join(dir.path, 'nope', 'deeper'), 10)).toMatchObject({ problem: 'missing' });
  });

  it('refuses a directory', async () => {
    await using dir = await tempDir();
    await mkdir(join(dir.path, 'sub'));
    for (const path of [join(dir.path, 'sub'), dir.path, '/', '.', '..']) {
      expect(await readRegularFile(path, MiB)).toEqual({ ok: false, problem: 'not-a-file', detail: 'is a directory, not a regular file' });
    }
  });

  it('refuses a FIFO at once, with no writer, instead of blocking', { timeout: 10_000 }, async () => {
    await using dir = await tempDir();
    const fifo = join(dir.path, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await readRegularFile(fifo, MiB)).toEqual({ ok: false, problem: 'not-a-file', detail: 'is a FIFO, not a regular file' });
  });

  it('refuses endless devices instead of reading them', { timeout: 10_000 }, async () => {
    for (const device of ['/dev/zero', '/dev/urandom', '/dev/null']) {
      expect(await readRegularFile(device, MiB)).toEqual({
        ok: false,
        problem: 'not-a-file',
        detail: 'is a character device, not a regular file',
      });
    }
  });

  it.runIf(process.platform === 'linux')('reports a file that fails to read (/proc/self/mem) as unreadable', async () => {
    expect(await readRegularFile('/proc/self/mem', MiB)).toMatchObject({
      ok: false,
      problem: 'unreadable',
      detail: expect.stringMatching(/^cannot be read \(.*EIO/u),
    });
  });

  it.runIf(process.platform === 'linux')('reads a file whose size is not known in advance (size 0 in /proc) to its end', async () => {
    const read = await readRegularFile('/proc/self/status', MiB);
    expect(read.ok && new TextDecoder().decode(read.bytes)).toMatch(/^Name:/u);
  });

  it.runIf(process.platform === 'linux')('stops at the limit while reading when the file holds more than its size said', async () => {
    // /proc files report size 0 and then yield more: like a file that grows after fstat, the limit holds.
    expect(await readRegularFile('/proc/self/status', 100)).toEqual({
      ok: false,
      problem: 'too-large',
      detail: 'grew past the limit while being read; the limit is 100 bytes',
    });
  });

  it('names limits in MiB, KiB or bytes', () => {
    expect([formatByteLimit(256 * MiB), formatByteLimit(64 * 1024), formatByteLimit(1000)]).toEqual(['256 MiB', '64 KiB', '1000 bytes']);
  });
});
