/** Reads the Ed25519 public keys given on the command line (`theater chain verify --trust`). */
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';

const KEY_HEX = /^[0-9a-f]{64}$/iu;

/**
 * Parses an Ed25519 public key written as 64 hex digits (the 32 bytes of `node.pub`).
 * Throws a {@link CommandFailure} (bad input) naming `flag` when the text is not one.
 * @example
 * parsePublicKeyHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '--trust');
 */
export function parsePublicKeyHex(text: string, flag: string): Uint8Array {
  const hex = text.trim();
  if (!KEY_HEX.test(hex)) {
    const message = `expected ${flag} as an Ed25519 public key in hex (64 hex digits), got ${JSON.stringify(text)}`;
    throw new CommandFailure(EXIT.badInput, [`invalid-public-key: ${message}`], { error: { code: 'invalid-public-key', message } });
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
