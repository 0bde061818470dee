import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isChainError } from '../src/chainError.js';
import { loadOrCreateNodeKey } from '../src/nodeKey.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('loadOrCreateNodeKey', () => {
  let home: string;
  let keysDir: string;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'theater-node-key-'));
    keysDir = join(home, 'keys');
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('creates a key pair on first use and loads the same one afterwards', async () => {
    const created = await loadOrCreateNodeKey(keysDir);
    const loaded = await loadOrCreateNodeKey(keysDir);

    expect(created.publicKey).toHaveLength(32);
    expect(loaded.publicKey).toEqual(created.publicKey);
    expect(new Uint8Array(await readFile(join(keysDir, 'node.pub')))).toEqual(created.publicKey);
    const secretKey = new Uint8Array(await readFile(join(keysDir, 'node.key')));
    expect(secretKey).toHaveLength(32);
    expect(ed25519.getPublicKey(secretKey)).toEqual(created.publicKey);
  });

  it('keeps the secret key in a 0600 file inside a 0700 directory', async () => {
    await loadOrCreateNodeKey(keysDir);

    expect((await stat(keysDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(keysDir, 'node.key'))).mode & 0o777).toBe(0o600);
  });

  it('loads a key written beforehand', async () => {
    await mkdir(keysDir, { mode: 0o700 });
    await writeFile(join(keysDir, 'node.key'), new Uint8Array(32).fill(7), { mode: 0o600 });

    const key = await loadOrCreateNodeKey(keysDir);

    expect(Buffer.from(key.publicKey).toString('hex')).toBe('ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c');
    expect(new Uint8Array(await readFile(join(keysDir, 'node.pub')))).toEqual(key.publicKey);
  });

  it('signs as RFC 8032 says (test 1), and as @noble/curves does for any message', async () => {
    await mkdir(keysDir, { mode: 0o700 });
    const secretKey = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    await writeFile(join(keysDir, 'node.key'), secretKey, { mode: 0o600 });

    const key = await loadOrCreateNodeKey(keysDir);

    expect(Buffer.from(key.publicKey).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(Buffer.from(key.sign(new Uint8Array(0))).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    for (const length of [1, 31, 32, 33, 200, 4096]) {
      const message = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff);
      const signature = key.sign(message);
      expect(signature).toBeInstanceOf(Uint8Array);
      expect(signature).toEqual(ed25519.sign(message, secretKey));
      expect(ed25519.verify(signature, message, key.publicKey)).toBe(true);
    }
  });

  it('creates exactly one key when first used concurrently', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateNodeKey(keysDir)));

    const publicKeys = new Set(keys.map((key) => Buffer.from(key.publicKey).toString('hex')));
    expect(publicKeys.size).toBe(1);
    expect((await readdir(keysDir)).sort()).toEqual(['node.key', 'node.pub']);
    expect(new Uint8Array(await readFile(join(keysDir, 'node.pub')))).toEqual(keys[0]!.publicKey);
  });

  it('refuses a malformed secret key file with invalid-key and leaves it in place', async () => {
    await loadOrCreateNodeKey(keysDir);
    const path = join(keysDir, 'node.key');
    await writeFile(path, text('not a key'));

    const error: unknown = await loadOrCreateNodeKey(keysDir).catch((e: unknown) => e);

    expect(isChainError(error, 'invalid-key')).toBe(true);
    expect(error).toMatchObject({
      name: 'ChainError',
      code: 'invalid-key',
      message: `${path} is not an Ed25519 secret key: expected 32 bytes, got 9`,
    });
    expect(await readFile(path, 'utf8')).toBe('not a key');
  });

  it('refuses a public key file that does not match the secret key', async () => {
    await loadOrCreateNodeKey(keysDir);
    const path = join(keysDir, 'node.pub');
    await writeFile(path, ed25519.getPublicKey(ed25519.utils.randomSecretKey()));

    await expect(loadOrCreateNodeKey(keysDir)).rejects.toMatchObject({
      code: 'invalid-key',
      message: `${path} does not match the secret key in node.key`,
    });
  });

  it('recreates a missing public key file from the secret key', async () => {
    const created = await loadOrCreateNodeKey(keysDir);
    await rm(join(keysDir, 'node.pub'));

    const loaded = await loadOrCreateNodeKey(keysDir);

    expect(loaded.publicKey).toEqual(created.publicKey);
    expect(new Uint8Array(await readFile(join(keysDir, 'node.pub')))).toEqual(created.publicKey);
  });

  it('signs messages with signatures that verify with @noble/curves', async () => {
    const key = await loadOrCreateNodeKey(keysDir);
    const message = text('chain head');

    const signature = key.sign(message);

    expect(signature).toHaveLength(64);
    expect(ed25519.verify(signature, message, key.publicKey)).toBe(true);
    expect(ed25519.verify(signature, text('chain heaD'), key.publicKey)).toBe(false);
  });

  it('exposes only the public key and a signer', async () => {
    const key = await loadOrCreateNodeKey(keysDir);

    expect(Object.keys(key).sort()).toEqual(['publicKey', 'sign']);
    expect(Object.isFrozen(key)).toBe(true);
  });
});
