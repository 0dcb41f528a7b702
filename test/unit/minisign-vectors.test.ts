/**
 * Files written by stock minisign (test/vectors/minisign, see its README): our parser and
 * verifier accept them, refuse them once altered, and our signer reproduces minisign's
 * output byte for byte from the same secret key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../electron/core/crypto/sodium';
import {
  formatMinisignKeyId,
  parseMinisignPublicKey,
  parseMinisignSignature,
  signMinisign,
  verifyMinisign,
  type MinisignPublicKey,
} from '../../electron/core/formats/minisign';
import { fromBase64 } from '../../shared/bytes';
import { TearlineError } from '../../shared/errors';

const DIR = join(__dirname, '..', 'vectors', 'minisign');
const read = (name: string) => readFileSync(join(DIR, name));

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof TearlineError ? error.code : `uncaught ${String(error)}`;
  }
}

/**
 * The secret key of an unencrypted (`minisign -G -W`) key file, for this test only:
 * base64 of alg[2] kdf[2]=0 chk[2] salt[32] ops[8] mem[8] keyId[8] sk[64] checksum[32].
 */
function stockSecretKey(text: string): { keyId: Uint8Array; secretKey: Uint8Array } {
  const raw = fromBase64(text.split('\n')[1]!);
  expect(raw).toHaveLength(158);
  expect([raw[2], raw[3]]).toEqual([0, 0]); // no key derivation: not encrypted
  return { keyId: raw.slice(54, 62), secretKey: raw.slice(62, 126) };
}

let key: MinisignPublicKey;
const message = () => new Uint8Array(read('message.txt'));

beforeAll(async () => {
  await loadSodium();
  key = parseMinisignPublicKey(read('minisign.pub').toString('utf8'));
});

describe('stock minisign vectors', () => {
  it('parse the public key and its random key id', () => {
    expect(formatMinisignKeyId(key.keyId)).toBe('3A9E10C89FF8B25E');
    expect(key.untrustedComment).toBe('minisign public key 3A9E10C89FF8B25E');
  });

  it('verify the prehashed signature and return its trusted comment', () => {
    const signatureText = read('message.txt.minisig').toString('utf8');
    const result = verifyMinisign({ publicKey: key, message: message(), signatureText });
    expect(result).toMatchObject({ algorithm: 'ED', trustedComment: 'tearline test vector: prehashed (ED) signature by stock minisign' });
  });

  it('verify the legacy signature from minisign -l', () => {
    const signatureText = read('message.txt.legacy.minisig').toString('utf8');
    expect(parseMinisignSignature(signatureText).algorithm).toBe('Ed');
    expect(codeOf(() => verifyMinisign({ publicKey: key, message: message(), signatureText }))).toBe('E_BAD_SIGNATURE');
    const result = verifyMinisign({ publicKey: key, message: message(), signatureText, allowLegacy: true });
    expect(result.trustedComment).toBe('tearline test vector: legacy (Ed) signature by stock minisign -l');
  });

  it('refuse them once the file or the trusted comment is altered', () => {
    for (const name of ['message.txt.minisig', 'message.txt.legacy.minisig']) {
      const signatureText = read(name).toString('utf8');
      const altered = message();
      altered[0]! ^= 1;
      expect(codeOf(() => verifyMinisign({ publicKey: key, message: altered, signatureText })), name).toBe('E_BAD_SIGNATURE');
      const comment = signatureText.replace('tearline test vector', 'tearline test vectors');
      expect(codeOf(() => verifyMinisign({ publicKey: key, message: message(), signatureText: comment })), name).toBe('E_BAD_SIGNATURE');
    }
  });

  it('are reproduced byte for byte by our signer from the same secret key', () => {
    const { keyId, secretKey } = stockSecretKey(read('minisign.key').toString('utf8'));
    expect(keyId).toEqual(key.keyId);
    const expected = read('message.txt.minisig').toString('utf8');
    const ours = signMinisign({
      secretKey,
      keyId,
      message: message(),
      trustedComment: 'tearline test vector: prehashed (ED) signature by stock minisign',
    });
    expect(ours).toBe(expected);
  });
});
