/**
 * minisign keys and signatures (electron/core/formats/minisign.ts): the layout, streaming
 * prehash, verification failures by code, and strict parsing of hostile text.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, sodium } from '../../electron/core/crypto/sodium';
import {
  MINISIGN_TRUSTED_COMMENT_MAX_BYTES,
  createMinisignHasher,
  encodeMinisignPublicKey,
  encodeMinisignPublicKeyBase64,
  formatMinisignKeyId,
  formatMinisignSignature,
  minisignKeyId,
  minisignPrehash,
  parseMinisignPublicKey,
  parseMinisignPublicKeyBase64,
  parseMinisignSignature,
  signMinisign,
  verifyMinisign,
  type MinisignPublicKey,
} from '../../electron/core/formats/minisign';
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from '../../shared/bytes';
import { TearlineError } from '../../shared/errors';

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof TearlineError ? error.code : `uncaught ${String(error)}`;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

let secretKey: Uint8Array;
let key: MinisignPublicKey;
const message = utf8('the bundle bytes\n');
const trustedComment = 'tearline bundle 7f3a\torigin:ws-1\tsize:42\troot:ab12';

function sign(extra: Partial<Parameters<typeof signMinisign>[0]> = {}): string {
  return signMinisign({ secretKey, keyId: key.keyId, message, trustedComment, ...extra });
}

beforeAll(async () => {
  await loadSodium();
  const pair = sodium().crypto_sign_keypair();
  secretKey = pair.privateKey;
  key = parseMinisignPublicKey(encodeMinisignPublicKey({ publicKey: pair.publicKey }));
});

describe('minisign public keys', () => {
  it('use the first 8 bytes of BLAKE2b-256(pk) as our key id, printed as minisign prints it', () => {
    const pk = Uint8Array.from({ length: 32 }, (_, i) => i);
    const id = minisignKeyId(pk);
    expect(toHex(id)).toBe(toHex(sodium().crypto_generichash(32, pk, null).subarray(0, 8)));
    expect(formatMinisignKeyId(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 0xab]))).toBe('AB07060504030201');
  });

  it('encode to the two lines minisign -G writes, and parse back', () => {
    const pk = key.publicKey;
    const text = encodeMinisignPublicKey({ publicKey: pk });
    const [comment, b64, rest] = text.split('\n');
    expect(comment).toBe(`untrusted comment: minisign public key ${formatMinisignKeyId(minisignKeyId(pk))}`);
    expect(fromBase64(b64!)).toEqual(concatBytes(utf8('Ed'), minisignKeyId(pk), pk));
    expect(rest).toBe('');
    expect(parseMinisignPublicKey(text)).toEqual({ keyId: minisignKeyId(pk), publicKey: pk, untrustedComment: comment!.slice(19) });
    expect(parseMinisignPublicKeyBase64(encodeMinisignPublicKeyBase64({ publicKey: pk }))).toEqual({ keyId: minisignKeyId(pk), publicKey: pk });
    // A stock key keeps its own random key id.
    const stockId = Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]);
    expect(parseMinisignPublicKey(encodeMinisignPublicKey({ publicKey: pk, keyId: stockId, untrustedComment: 'x' })).keyId).toEqual(stockId);
  });

  it('read a key file whose lines all end in CR LF (one that went through Windows) as stock minisign does', () => {
    const text = encodeMinisignPublicKey({ publicKey: key.publicKey });
    expect(parseMinisignPublicKey(text.replace(/\n/g, '\r\n'))).toEqual(parseMinisignPublicKey(text));
  });

  it('refuse anything but that exact form with E_MALFORMED', () => {
    const text = encodeMinisignPublicKey({ publicKey: key.publicKey });
    const [comment, b64] = text.split('\n') as [string, string];
    const raw = fromBase64(b64);
    const withAlg = (alg: string) => `${comment}\n${toBase64(concatBytes(utf8(alg), raw.subarray(2)))}\n`;
    for (const [why, bad] of [
      ['empty', ''],
      ['no final LF', text.slice(0, -1)],
      ['mixed line ends', text.replace('\n', '\r\n')],
      ['CR alone', text.replace(/\n/g, '\r')],
      ['extra line', text + 'x\n'],
      ['blank line after', text + '\n'],
      ['missing comment line', `${b64}\n`],
      ['wrong comment prefix', text.replace('untrusted comment: ', 'untrusted comment:')],
      ['trusted instead of untrusted', text.replace('untrusted', 'trusted')],
      ['base64 with a space', `${comment}\n ${b64}\n`],
      ['base64 without padding', `${comment}\n${b64.replace(/=+$/, '')}x\n`],
      ['short key', `${comment}\n${toBase64(raw.subarray(0, 41))}\n`],
      ['long key', `${comment}\n${toBase64(concatBytes(raw, new Uint8Array(1)))}\n`],
      ['signature algorithm ED', withAlg('ED')],
      ['unknown algorithm', withAlg('Ex')],
      ['NUL in comment', text.replace('minisign public key', 'minisign\0public key')],
    ] as const) {
      expect(codeOf(() => parseMinisignPublicKey(bad)), why).toBe('E_MALFORMED');
    }
  });
});

describe('minisign signatures', () => {
  it('have the four lines minisign writes, with algorithm ED', () => {
    const text = sign({ untrustedComment: 'signature from tearline' });
    const lines = text.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('untrusted comment: signature from tearline');
    const raw = fromBase64(lines[1]!);
    expect(raw).toHaveLength(74);
    expect(String.fromCharCode(raw[0]!, raw[1]!)).toBe('ED');
    expect(raw.subarray(2, 10)).toEqual(key.keyId);
    expect(lines[2]).toBe(`trusted comment: ${trustedComment}`);
    expect(fromBase64(lines[3]!)).toHaveLength(64);
    expect(lines[4]).toBe('');
    expect(sign().split('\n')[0]).toBe('untrusted comment: signature from minisign secret key');
    // Ed25519 is deterministic: the same input gives the same text.
    expect(sign()).toBe(sign());
  });

  it('verify, returning the trusted comment, from the message or a streamed prehash', () => {
    const text = sign();
    expect(verifyMinisign({ publicKey: key, message, signatureText: text })).toMatchObject({ trustedComment, algorithm: 'ED' });
    const hasher = createMinisignHasher();
    for (let i = 0; i < message.length; i += 5) hasher.update(message.subarray(i, i + 5));
    const prehash = hasher.digest();
    expect(prehash).toEqual(minisignPrehash(message));
    expect(verifyMinisign({ publicKey: key, prehash, signatureText: text }).trustedComment).toBe(trustedComment);
    expect(verifyMinisign({ publicKey: encodeMinisignPublicKey(key), prehash, signatureText: text }).keyId).toEqual(key.keyId);
    // Signing from the prehash gives the same signature as signing the message.
    expect(signMinisign({ secretKey, keyId: key.keyId, prehash, trustedComment })).toBe(text);
    expect(() => hasher.update(message)).toThrow();
  });

  it('stream the prehash of any split of any message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(500), { minLength: 1, maxLength: 6 }), (data, cuts) => {
        const hasher = createMinisignHasher();
        let at = 0;
        for (let i = 0; at < data.length; i++) {
          const n = Math.max(1, cuts[i % cuts.length]!);
          hasher.update(data.subarray(at, at + n));
          at += n;
        }
        expect(toHex(hasher.digest())).toBe(toHex(sodium().crypto_generichash(64, data, null)));
      }),
      { numRuns: 100 },
    );
  });

  it('fail with E_BAD_SIGNATURE on a changed file, comment, signature or key', () => {
    const text = sign();
    const lines = text.split('\n');
    const other = parseMinisignPublicKey(encodeMinisignPublicKey({ publicKey: sodium().crypto_sign_keypair().publicKey }));
    const cases: Array<[string, () => unknown]> = [
      ['changed file', () => verifyMinisign({ publicKey: key, message: utf8('the bundle bytes!\n'), signatureText: text })],
      ['changed trusted comment', () => verifyMinisign({ publicKey: key, message, signatureText: text.replace('size:42', 'size:43') })],
      ['dropped trusted comment', () => verifyMinisign({ publicKey: key, message, signatureText: text.replace(`trusted comment: ${trustedComment}`, 'trusted comment: ') })],
      ['other key', () => verifyMinisign({ publicKey: other, message, signatureText: text })],
      ['other key, same id', () => verifyMinisign({ publicKey: { ...other, keyId: key.keyId }, message, signatureText: text })],
      [
        'swapped global signature',
        () => verifyMinisign({ publicKey: key, message, signatureText: [lines[0], lines[1], lines[2], toBase64(new Uint8Array(64)), ''].join('\n') }),
      ],
      [
        'flipped signature bit',
        () => {
          const raw = fromBase64(lines[1]!);
          raw[20]! ^= 1;
          return verifyMinisign({ publicKey: key, message, signatureText: [lines[0], toBase64(raw), lines[2], lines[3], ''].join('\n') });
        },
      ],
      [
        'signature relabelled as legacy',
        () => {
          const raw = fromBase64(lines[1]!);
          raw[1] = 'd'.charCodeAt(0);
          return verifyMinisign({ publicKey: key, message, signatureText: [lines[0], toBase64(raw), lines[2], lines[3], ''].join('\n') });
        },
      ],
    ];
    for (const [why, run] of cases) expect(codeOf(run), why).toBe('E_BAD_SIGNATURE');
    // The untrusted comment is, as its name says, not covered by any signature.
    expect(codeOf(() => verifyMinisign({ publicKey: key, message, signatureText: text.replace('from minisign', 'from anyone') }))).toBe('ok');
  });

  it('verify legacy Ed signatures against the whole file only, and only if allowed', () => {
    const s = sodium();
    const signature = s.crypto_sign_detached(message, secretKey);
    const legacy = formatMinisignSignature({
      algorithm: 'Ed',
      keyId: key.keyId,
      signature,
      untrustedComment: 'legacy',
      trustedComment,
      globalSignature: s.crypto_sign_detached(concatBytes(signature, utf8(trustedComment)), secretKey),
    });
    expect(verifyMinisign({ publicKey: key, message, signatureText: legacy, allowLegacy: true })).toMatchObject({ algorithm: 'Ed', trustedComment });
    expect(codeOf(() => verifyMinisign({ publicKey: key, prehash: minisignPrehash(message), signatureText: legacy }))).toBe('E_BAD_SIGNATURE');
    expect(codeOf(() => verifyMinisign({ publicKey: key, message, signatureText: legacy }))).toBe('E_BAD_SIGNATURE');
    expect(codeOf(() => verifyMinisign({ publicKey: key, message: utf8('other'), signatureText: legacy, allowLegacy: true }))).toBe('E_BAD_SIGNATURE');
  });

  it('refuse comments minisign could not carry when signing (E_USAGE)', () => {
    for (const bad of ['two\nlines', 'carriage\rreturn', 'nul\0byte', 'x'.repeat(MINISIGN_TRUSTED_COMMENT_MAX_BYTES + 1)]) {
      expect(codeOf(() => sign({ trustedComment: bad })), JSON.stringify(bad.slice(0, 20))).toBe('E_USAGE');
      expect(codeOf(() => sign({ untrustedComment: bad })), JSON.stringify(bad.slice(0, 20))).toBe('E_USAGE');
    }
    expect(codeOf(() => sign({ trustedComment: 'x'.repeat(MINISIGN_TRUSTED_COMMENT_MAX_BYTES) }))).toBe('ok');
    expect(codeOf(() => sign({ trustedComment: '' }))).toBe('ok');
    expect(codeOf(() => sign({ trustedComment: 'accents: é, tabs\tand trailing spaces  ' }))).toBe('ok');
  });

  it('refuse a secret key whose halves do not belong together', () => {
    const mixed = concatBytes(secretKey.subarray(0, 32), sodium().crypto_sign_keypair().publicKey);
    expect(codeOf(() => signMinisign({ secretKey: mixed, keyId: key.keyId, message, trustedComment }))).toBe('E_INTERNAL');
  });

  it('read a signature whose lines all end in CR LF as stock minisign does, and it verifies', () => {
    const text = sign();
    const crlf = text.replace(/\n/g, '\r\n');
    expect(parseMinisignSignature(crlf)).toEqual(parseMinisignSignature(text));
    expect(() => verifyMinisign({ publicKey: key, message, signatureText: crlf })).not.toThrow();
  });

  it('parse strictly: anything but the four exact lines is E_MALFORMED', () => {
    const text = sign();
    const lines = text.split('\n');
    const join = (ls: Array<string | undefined>) => ls.join('\n');
    for (const [why, bad] of [
      ['empty', ''],
      ['no final LF', text.slice(0, -1)],
      ['mixed line ends', text.replace(/\n$/, '\r\n')],
      ['CRLF with a CR in the trusted comment', text.replace(/\n/g, '\r\n').replace('origin', 'ori\rgin')],
      ['CR in trusted comment', text.replace('origin', 'ori\rgin')],
      ['NUL in trusted comment', text.replace('origin', 'ori\0gin')],
      ['three lines', join([lines[0], lines[1], lines[2], ''])],
      ['five lines', text + 'x\n'],
      ['trailing blank line', text + '\n'],
      ['untrusted prefix missing', text.replace('untrusted comment: ', '')],
      ['trusted prefix missing', text.replace('trusted comment: tearline', 'tearline')],
      ['trusted prefix misspelt', text.replace('trusted comment: tearline', 'Trusted comment: tearline')],
      ['lines swapped', join([lines[2], lines[1], lines[0], lines[3], ''])],
      ['signature base64 damaged', join([lines[0], lines[1]!.slice(1), lines[2], lines[3], ''])],
      ['signature with spaces', join([lines[0], ` ${lines[1]}`, lines[2], lines[3], ''])],
      ['global signature short', join([lines[0], lines[1], lines[2], toBase64(new Uint8Array(63)), ''])],
      ['global signature non-canonical', join([lines[0], lines[1], lines[2], lines[3]!.replace(/(.)==$/, (_m, c: string) => `${B64[B64.indexOf(c) + 1]}==`), ''])],
      ['unknown algorithm', join([lines[0], toBase64(concatBytes(utf8('EX'), fromBase64(lines[1]!).subarray(2))), lines[2], lines[3], ''])],
      ['trusted comment too long', text.replace(trustedComment, 'x'.repeat(MINISIGN_TRUSTED_COMMENT_MAX_BYTES + 1))],
    ] as const) {
      expect(codeOf(() => parseMinisignSignature(bad)), why).toBe('E_MALFORMED');
      expect(codeOf(() => verifyMinisign({ publicKey: key, message, signatureText: bad })), why).toBe('E_MALFORMED');
    }
  });
});
