/**
 * age encryption and decryption (electron/core/formats/age.ts): round trips at the chunk
 * boundaries, streaming in arbitrary pieces, the header parser on hostile input, and the
 * error code of every kind of damage.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, sodium } from '../../electron/core/crypto/sodium';
import {
  AGE_CHUNK_SIZE,
  AgeDecryptor,
  AgeEncryptor,
  ageDecrypt,
  ageDecryptStream,
  ageEncrypt,
  ageEncryptStream,
  ageRecipientOf,
  formatAgeIdentityFile,
  generateAgeIdentity,
  isAgeArmored,
  isAgeFile,
  parseAgeIdentityFile,
  parseAgeRecipient,
} from '../../electron/core/formats/age';
import {
  encodeAgeHeaderMacInput,
  encodeAgeMacLine,
  encodeAgeStanza,
  findAgeHeaderEnd,
  parseAgeHeader,
} from '../../electron/core/formats/age-header';
import { hkdfSha256, hmacSha256 } from '../../electron/core/formats/hkdf';
import { concatBytes, equalBytes, toHex, utf8 } from '../../shared/bytes';
import { TearlineError } from '../../shared/errors';

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof TearlineError ? error.code : `uncaught ${String(error)}`;
  }
}

function pattern(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Byte equality without vitest's element-by-element diff, which is slow on large arrays. */
function expectSame(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.length), Buffer.from(expected.buffer, expected.byteOffset, expected.length))).toBe(0);
}

const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const fromAscii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

let alice: { identity: string; recipient: string };
let bob: { identity: string; recipient: string };
let carol: { identity: string; recipient: string };

beforeAll(async () => {
  await loadSodium();
  alice = generateAgeIdentity();
  bob = generateAgeIdentity();
  carol = generateAgeIdentity();
});

describe('HKDF-SHA-256', () => {
  it('matches RFC 5869 test cases 1 and 3', () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const salt = Uint8Array.from({ length: 13 }, (_, i) => i);
    const info = Uint8Array.from({ length: 10 }, (_, i) => 0xf0 + i);
    expect(toHex(hkdfSha256(ikm, salt, info, 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
    expect(toHex(hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(0), 42))).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });
});

describe('age round trips', () => {
  const sizes = [0, 1, 3, AGE_CHUNK_SIZE - 1, AGE_CHUNK_SIZE, AGE_CHUNK_SIZE + 1, 2 * AGE_CHUNK_SIZE, 2 * AGE_CHUNK_SIZE + 17];
  for (const size of sizes) {
    it(`${size} bytes`, () => {
      const plaintext = pattern(size, size + 1);
      const file = ageEncrypt(plaintext, [alice.recipient]);
      const chunks = Math.max(1, Math.ceil(size / AGE_CHUNK_SIZE));
      const headerLength = findAgeHeaderEnd(file);
      // Exactly the chunks age writes: no empty trailing chunk after a full one.
      expect(file.length).toBe(headerLength + 16 + size + 16 * chunks);
      expectSame(ageDecrypt(file, [alice.identity]), plaintext);
    });
  }

  it('encrypts to several recipients, each of whom can decrypt', () => {
    const plaintext = utf8('three readers');
    const file = ageEncrypt(plaintext, [alice.recipient, bob.recipient, carol.recipient]);
    const header = parseAgeHeader(file);
    expect(header.stanzas.map((s) => s.type)).toEqual(['X25519', 'X25519', 'X25519']);
    for (const who of [alice, bob, carol]) expect(ageDecrypt(file, [who.identity])).toEqual(plaintext);
    // Any one matching identity among several is enough.
    expect(ageDecrypt(file, [generateAgeIdentity().identity, carol.identity])).toEqual(plaintext);
  });

  it('uses a fresh file key, ephemeral share and nonce every time', () => {
    const a = ageEncrypt(utf8('same'), [alice.recipient]);
    const b = ageEncrypt(utf8('same'), [alice.recipient]);
    expect(equalBytes(a, b)).toBe(false);
    expect(parseAgeHeader(a).stanzas[0]!.args[0]).not.toBe(parseAgeHeader(b).stanzas[0]!.args[0]);
  });

  it('accepts raw 32-byte identities as well as their text', () => {
    const secret = sodium().randombytes_buf(32);
    const file = ageEncrypt(utf8('raw'), [ageRecipientOf(secret)]);
    expect(ageDecrypt(file, [secret])).toEqual(utf8('raw'));
  });

  it('writes and reads age armor', () => {
    const plaintext = pattern(1000);
    const armored = ageEncrypt(plaintext, [alice.recipient], { armor: true });
    const text = ascii(armored);
    expect(text.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(text.endsWith('\n-----END AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(isAgeArmored(armored)).toBe(true);
    expect(isAgeFile(armored)).toBe(true);
    expectSame(ageDecrypt(armored, [alice.identity]), plaintext);
  });

  it('streams in arbitrary pieces with the same result as in one piece', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 * AGE_CHUNK_SIZE + 5 }),
        fc.array(fc.integer({ min: 0, max: 70000 }), { minLength: 1, maxLength: 8 }),
        async (size, cuts) => {
          const plaintext = pattern(size, size + 7);
          const pieces = split(plaintext, cuts);
          const encrypted: Uint8Array[] = [];
          for await (const out of ageEncryptStream(pieces, [alice.recipient])) encrypted.push(out);
          const file = concatBytes(...encrypted);
          expectSame(ageDecrypt(file, [alice.identity]), plaintext);
          const decrypted: Uint8Array[] = [];
          for await (const out of ageDecryptStream(split(file, cuts.reverse()), [alice.identity])) decrypted.push(out);
          expectSame(concatBytes(...decrypted), plaintext);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('releases each chunk as soon as the next byte shows it is not the last', () => {
    const plaintext = pattern(2 * AGE_CHUNK_SIZE + 10);
    const file = ageEncrypt(plaintext, [alice.recipient]);
    const decryptor = new AgeDecryptor([alice.identity]);
    const headerLength = findAgeHeaderEnd(file);
    const firstChunkEnd = headerLength + 16 + AGE_CHUNK_SIZE + 16;
    expect(decryptor.push(file.subarray(0, firstChunkEnd)).length).toBe(0);
    expectSame(decryptor.push(file.subarray(firstChunkEnd, firstChunkEnd + 1)), plaintext.subarray(0, AGE_CHUNK_SIZE));
    const rest = decryptor.push(file.subarray(firstChunkEnd + 1));
    expectSame(concatBytes(rest, decryptor.finish()), plaintext.subarray(AGE_CHUNK_SIZE));
  });

  it('writes the plaintext where it is given room, and refuses room of another size', () => {
    const plaintext = pattern(3 * AGE_CHUNK_SIZE + 10);
    const file = ageEncrypt(plaintext, [alice.recipient]);
    const decryptor = new AgeDecryptor([alice.identity]);
    const block = new Uint8Array(4 * AGE_CHUNK_SIZE).fill(0xee);
    const asked: number[] = [];
    const out = decryptor.push(file, (length) => (asked.push(length), block.subarray(7, 7 + length)));
    // The last chunk is held (it is released by finish, into an array of its own).
    expect(asked).toEqual([3 * AGE_CHUNK_SIZE]);
    expect(out.buffer).toBe(block.buffer);
    expect(out.byteOffset).toBe(7);
    expectSame(out, plaintext.subarray(0, 3 * AGE_CHUNK_SIZE));
    expect(block[6]).toBe(0xee);
    expect(block[7 + 3 * AGE_CHUNK_SIZE]).toBe(0xee);
    expectSame(decryptor.finish(), plaintext.subarray(3 * AGE_CHUNK_SIZE));
    // No room given: an array of its own.
    const other = new AgeDecryptor([alice.identity]);
    expectSame(concatBytes(other.push(file, () => undefined), other.finish()), plaintext);
    const wrong = new AgeDecryptor([alice.identity]);
    expect(() => wrong.push(file, (length) => new Uint8Array(length - 1))).toThrow(/not the size asked for/);
  });

  it('refuses to be used after finishing', () => {
    const encryptor = new AgeEncryptor([alice.recipient]);
    encryptor.finish();
    expect(() => encryptor.push(new Uint8Array(1))).toThrow();
    expect(() => encryptor.finish()).toThrow();
    const decryptor = new AgeDecryptor([alice.identity]);
    decryptor.push(ageEncrypt(utf8('x'), [alice.recipient]));
    decryptor.finish();
    expect(() => decryptor.push(new Uint8Array(1))).toThrow();
  });

  it('needs at least one recipient and one identity', () => {
    expect(codeOf(() => ageEncrypt(utf8('x'), []))).toBe('E_USAGE');
    expect(codeOf(() => ageDecrypt(ageEncrypt(utf8('x'), [alice.recipient]), []))).toBe('E_USAGE');
    expect(codeOf(() => ageEncrypt(utf8('x'), ['age1notarecipient']))).toBe('E_MALFORMED');
    expect(codeOf(() => new AgeDecryptor(['AGE-SECRET-KEY-1NOPE']))).toBe('E_MALFORMED');
  });
});

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = cuts[i % cuts.length]!;
    pieces.push(bytes.subarray(at, at + n));
    at += n;
    if (i > 10_000) break;
  }
  if (at < bytes.length) pieces.push(bytes.subarray(at));
  return pieces;
}

describe('age decryption refuses', () => {
  it('a file for someone else with E_NOT_FOR_US', () => {
    const file = ageEncrypt(utf8('secret'), [alice.recipient, bob.recipient]);
    expect(codeOf(() => ageDecrypt(file, [carol.identity]))).toBe('E_NOT_FOR_US');
  });

  it('an altered header with E_DECRYPT (MAC) or E_MALFORMED (framing), never success', () => {
    const file = ageEncrypt(utf8('header'), [alice.recipient, bob.recipient]);
    const headerLength = findAgeHeaderEnd(file);
    for (let i = 0; i < headerLength; i++) {
      for (const flip of [0x01, 0x20]) {
        const copy = file.slice();
        copy[i]! ^= flip;
        const code = codeOf(() => ageDecrypt(copy, [alice.identity]));
        expect(['E_DECRYPT', 'E_MALFORMED', 'E_NOT_FOR_US'], `byte ${i}`).toContain(code);
      }
    }
  });

  it('a changed MAC, or a header re-ordered, with E_DECRYPT', () => {
    const file = ageEncrypt(utf8('mac'), [alice.recipient, bob.recipient]);
    const text = ascii(file);
    const macAt = text.indexOf('\n--- ') + 5;
    const other = text[macAt] === 'A' ? 'B' : 'A';
    expect(codeOf(() => ageDecrypt(fromAscii(text.slice(0, macAt) + other + text.slice(macAt + 1)), [alice.identity]))).toMatch(
      /E_DECRYPT|E_MALFORMED/,
    );
    const header = parseAgeHeader(file);
    const swapped = concatBytes(
      utf8('age-encryption.org/v1\n' + encodeAgeStanza(header.stanzas[1]!) + encodeAgeStanza(header.stanzas[0]!) + '---'),
      file.subarray(header.macInput.length),
    );
    expect(codeOf(() => ageDecrypt(swapped, [alice.identity]))).toBe('E_DECRYPT');
  });

  it('any damaged payload byte with E_DECRYPT', () => {
    const file = ageEncrypt(pattern(AGE_CHUNK_SIZE + 100), [alice.recipient]);
    const start = findAgeHeaderEnd(file);
    for (const i of [start, start + 15, start + 16, start + 1000, start + 16 + AGE_CHUNK_SIZE + 15, file.length - 1]) {
      const copy = file.slice();
      copy[i]! ^= 0x80;
      expect(codeOf(() => ageDecrypt(copy, [alice.identity])), `byte ${i}`).toBe('E_DECRYPT');
    }
  });

  it('a truncated payload at any length with E_DECRYPT', () => {
    const file = ageEncrypt(pattern(2 * AGE_CHUNK_SIZE), [alice.recipient]);
    const start = findAgeHeaderEnd(file);
    const cuts = [start, start + 1, start + 16, start + 17, start + 32, start + 16 + AGE_CHUNK_SIZE + 16, file.length - 16, file.length - 1];
    for (const cut of cuts) {
      expect(codeOf(() => ageDecrypt(file.subarray(0, cut), [alice.identity])), `cut ${cut}`).toBe('E_DECRYPT');
    }
    // Cut inside the header: the header itself does not parse.
    expect(codeOf(() => ageDecrypt(file.subarray(0, start - 1), [alice.identity]))).toBe('E_MALFORMED');
    expect(codeOf(() => ageDecrypt(file.subarray(0, 10), [alice.identity]))).toBe('E_MALFORMED');
    expect(codeOf(() => ageDecrypt(new Uint8Array(0), [alice.identity]))).toBe('E_MALFORMED');
  });

  it('an extended payload with E_DECRYPT', () => {
    for (const size of [5, AGE_CHUNK_SIZE]) {
      const file = ageEncrypt(pattern(size), [alice.recipient]);
      for (const extra of [1, 16, 100]) {
        expect(codeOf(() => ageDecrypt(concatBytes(file, new Uint8Array(extra)), [alice.identity]))).toBe('E_DECRYPT');
      }
    }
  });

  it('an empty last chunk after a full one with E_DECRYPT', () => {
    // Build the file by hand: one full chunk marked "not last", then an empty last chunk.
    const s = sodium();
    const { file, key } = handMadeFile(alice.recipient);
    const nonce = (counter: number, last: boolean) => {
      const n = new Uint8Array(12);
      n[10] = counter;
      n[11] = last ? 1 : 0;
      return n;
    };
    const full = s.crypto_aead_chacha20poly1305_ietf_encrypt(new Uint8Array(AGE_CHUNK_SIZE), null, null, nonce(0, false), key);
    const empty = s.crypto_aead_chacha20poly1305_ietf_encrypt(new Uint8Array(0), null, null, nonce(1, true), key);
    expect(codeOf(() => ageDecrypt(concatBytes(file, full, empty), [alice.identity]))).toBe('E_DECRYPT');
    // The same chunk marked last, with nothing after it, is a valid file.
    const fullLast = s.crypto_aead_chacha20poly1305_ietf_encrypt(new Uint8Array(AGE_CHUNK_SIZE), null, null, nonce(0, true), key);
    expectSame(ageDecrypt(concatBytes(file, fullLast), [alice.identity]), new Uint8Array(AGE_CHUNK_SIZE));
  });

  it('random damage with a code, never a wrong plaintext', () => {
    const plaintext = pattern(300);
    const file = ageEncrypt(plaintext, [alice.recipient]);
    fc.assert(
      fc.property(fc.nat(file.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(40), (at, xor, cut) => {
        const copy = file.slice(0, file.length - (cut % 3 === 0 ? cut : 0));
        if (at < copy.length) copy[at]! ^= xor;
        const code = codeOf(() => ageDecrypt(copy, [alice.identity]));
        expect(['E_DECRYPT', 'E_MALFORMED', 'E_NOT_FOR_US']).toContain(code);
      }),
      { numRuns: 300 },
    );
  });
});

/** A valid header for one recipient plus a payload nonce, and the payload key, built from the spec. */
function handMadeFile(recipient: string): { file: Uint8Array; key: Uint8Array } {
  const s = sodium();
  const fileKey = s.randombytes_buf(16);
  const point = parseAgeRecipient(recipient);
  const eph = s.randombytes_buf(32);
  const share = s.crypto_scalarmult_base(eph);
  const wrap = hkdfSha256(s.crypto_scalarmult(eph, point), concatBytes(share, point), utf8('age-encryption.org/v1/X25519'));
  const body = s.crypto_aead_chacha20poly1305_ietf_encrypt(fileKey, null, null, new Uint8Array(12), wrap);
  const macInput = encodeAgeHeaderMacInput([{ type: 'X25519', args: [Buffer.from(share).toString('base64').replace(/=+$/, '')], body }]);
  const mac = hmacSha256(hkdfSha256(fileKey, new Uint8Array(0), utf8('header')), macInput);
  const nonce = s.randombytes_buf(16);
  return {
    file: concatBytes(macInput, encodeAgeMacLine(mac), nonce),
    key: hkdfSha256(fileKey, nonce, utf8('payload')),
  };
}

describe('age header parser', () => {
  const good = () => ascii(ageEncrypt(utf8('x'), [alice.recipient]));
  const header = (text: string) => codeOf(() => parseAgeHeader(fromAscii(text)));
  const mac = '--- ' + 'A'.repeat(43) + '\n';

  it('parses what we write and finds its end', () => {
    const text = good();
    const parsed = parseAgeHeader(fromAscii(text));
    expect(parsed.stanzas).toHaveLength(1);
    expect(parsed.length).toBe(findAgeHeaderEnd(fromAscii(text)));
    expect(ascii(parsed.macInput).endsWith('\n---')).toBe(true);
  });

  it('keeps unknown stanzas, with bodies wrapped at 64 columns', () => {
    const body = pattern(48 * 2 + 5);
    const stanza = encodeAgeStanza({ type: 'example.com/x', args: ['a', 'b'], body });
    expect(stanza.split('\n').map((l) => l.length)).toEqual([20, 64, 64, 7, 0]);
    const parsed = parseAgeHeader(fromAscii(`age-encryption.org/v1\n${stanza}${mac}`));
    expect(parsed.stanzas[0]).toEqual({ type: 'example.com/x', args: ['a', 'b'], body });
    // A body that fills whole lines ends with an empty line.
    expect(encodeAgeStanza({ type: 't', args: [], body: new Uint8Array(48) }).endsWith('\n\n')).toBe(true);
  });

  it('refuses every malformed header with E_MALFORMED', () => {
    const v1 = 'age-encryption.org/v1\n';
    for (const [why, text] of [
      ['empty', ''],
      ['not age', 'hello world\n'],
      ['other version', 'age-encryption.org/v2\n-> X\n\n' + mac],
      ['version with CR', 'age-encryption.org/v1\r\n-> X\n\n' + mac],
      ['no stanza', v1 + mac],
      ['no MAC line', v1 + '-> X\n\n'],
      ['MAC without space', v1 + '-> X\n\n---' + 'A'.repeat(43) + '\n'],
      ['MAC with two spaces', v1 + '-> X\n\n---  ' + 'A'.repeat(43) + '\n'],
      ['MAC too short', v1 + '-> X\n\n--- ' + 'A'.repeat(42) + '\n'],
      ['MAC not canonical', v1 + '-> X\n\n--- ' + 'A'.repeat(42) + 'B\n'],
      ['MAC padded', v1 + '-> X\n\n--- ' + 'A'.repeat(42) + '=\n'],
      ['stanza without type', v1 + '->\n\n' + mac],
      ['stanza with empty argument', v1 + '-> X  y\n\n' + mac],
      ['stanza with trailing space', v1 + '-> X \n\n' + mac],
      ['stanza with tab', v1 + '-> X\ty\n\n' + mac],
      ['stanza with non-ASCII argument', v1 + '-> X \u00e9\n\n' + mac],
      ['bad stanza start', v1 + '-- X\n\n' + mac],
      ['body line too long', v1 + '-> X\n' + 'A'.repeat(65) + '\n\n' + mac],
      ['body without short line', v1 + '-> X\n' + 'A'.repeat(64) + '\n' + mac],
      ['padded body', v1 + '-> X\nAA==\n' + mac],
      ['non-canonical body', v1 + '-> X\nAB\n' + mac],
      ['body with CR', v1 + '-> X\nAAAA\r\n' + mac],
      ['impossible body length', v1 + '-> X\nAAAAA\n' + mac],
      ['NUL in header', v1 + '-> X\u0000\n\n' + mac],
    ] as const) {
      expect(header(text), why).toBe('E_MALFORMED');
    }
  });

  it('refuses malformed X25519 stanzas, a mixed-in scrypt stanza, and low-order shares', () => {
    const file = ageEncrypt(utf8('x'), [alice.recipient]);
    const parsed = parseAgeHeader(file);
    const stanza = parsed.stanzas[0]!;
    const rebuild = (stanzas: typeof parsed.stanzas) =>
      concatBytes(utf8('age-encryption.org/v1\n' + stanzas.map(encodeAgeStanza).join('') + mac), file.subarray(parsed.length));
    const variants: Array<[string, typeof parsed.stanzas]> = [
      ['extra argument', [{ ...stanza, args: [...stanza.args, 'x'] }]],
      ['no share', [{ ...stanza, args: [] }]],
      ['short share', [{ ...stanza, args: [stanza.args[0]!.slice(0, 40)] }]],
      ['long body', [{ ...stanza, body: concatBytes(stanza.body, new Uint8Array(1)) }]],
      ['short body', [{ ...stanza, body: stanza.body.subarray(1) }]],
      ['scrypt alongside', [stanza, { type: 'scrypt', args: ['AAAAAAAAAAAAAAAAAAAAAA', '10'], body: new Uint8Array(32) }]],
      ['low-order share', [{ ...stanza, args: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] }]],
    ];
    for (const [why, stanzas] of variants) {
      expect(codeOf(() => ageDecrypt(rebuild(stanzas), [alice.identity])), why).toBe('E_MALFORMED');
    }
    // A lone passphrase stanza is not ours to open.
    expect(
      codeOf(() => ageDecrypt(rebuild([{ type: 'scrypt', args: ['AAAAAAAAAAAAAAAAAAAAAA', '10'], body: new Uint8Array(32) }]), [alice.identity])),
    ).toBe('E_NOT_FOR_US');
  });

  it('gives up on a header that never ends, without reading past the limit', () => {
    const decryptor = new AgeDecryptor([alice.identity]);
    decryptor.push(utf8('age-encryption.org/v1\n'));
    const line = fromAscii('-> grease\n\n');
    let code = 'ok';
    for (let i = 0; i < 200_000 && code === 'ok'; i++) code = codeOf(() => decryptor.push(line));
    expect(code).toBe('E_MALFORMED');
    expect(codeOf(() => new AgeDecryptor([alice.identity]).push(utf8('not an age file at all')))).toBe('E_MALFORMED');
  });
});

describe('identity files and sniffing', () => {
  it('reads what age-keygen writes, comments and CRLF included', () => {
    const text = formatAgeIdentityFile(alice.identity, new Date('2024-01-02T03:04:05.678Z'));
    expect(text).toBe(`# created: 2024-01-02T03:04:05Z\n# public key: ${alice.recipient}\n${alice.identity}\n`);
    expect(parseAgeIdentityFile(text)).toEqual([alice.identity]);
    expect(parseAgeIdentityFile(`# two keys\r\n\r\n${alice.identity}\r\n${bob.identity}`)).toEqual([alice.identity, bob.identity]);
  });

  it('refuses anything else in an identity file', () => {
    for (const text of [
      '',
      '# only a comment\n',
      `${alice.identity} \n`,
      ` ${alice.identity}\n`,
      `${alice.recipient}\n`,
      `AGE-PLUGIN-YUBIKEY-1QQQQQQ\n`,
      `${alice.identity.toLowerCase()}\n`,
    ]) {
      expect(codeOf(() => parseAgeIdentityFile(text)), JSON.stringify(text)).toBe('E_MALFORMED');
    }
  });

  it('sniffs binary and armored age, and nothing else', () => {
    const binary = ageEncrypt(utf8('x'), [alice.recipient]);
    expect(isAgeFile(binary)).toBe(true);
    expect(isAgeArmored(binary)).toBe(false);
    expect(isAgeFile(utf8('age-encryption.org/v2\n'))).toBe(true);
    expect(isAgeFile(utf8('\n  -----BEGIN AGE ENCRYPTED FILE-----\n'))).toBe(true);
    expect(isAgeFile(utf8('-----BEGIN TEARLINE BUNDLE-----\n'))).toBe(false);
    expect(isAgeFile(utf8('age-encryption.org'))).toBe(false);
    expect(isAgeFile(new Uint8Array(0))).toBe(false);
  });
});
