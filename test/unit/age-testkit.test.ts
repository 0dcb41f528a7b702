/**
 * The published age test vectors (C2SP CCTV "testkit"), vendored under
 * test/vectors/age/testkit; see the README there. Each file states what decrypting it
 * must do; every file is run, both in one piece and fed to the streaming decryptor one
 * byte at a time.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../electron/core/crypto/sodium';
import { AgeDecryptor, ageDecrypt } from '../../electron/core/formats/age';
import { ageDearmor } from '../../shared/codec/age-armor';
import { TearlineError, type ErrorCode } from '../../shared/errors';
import { concatBytes } from '../../shared/bytes';

const DIR = join(__dirname, '..', 'vectors', 'age', 'testkit');
const SUMS = join(__dirname, '..', 'vectors', 'age', 'testkit.sha256');

interface Vector {
  name: string;
  expect: string;
  payload?: string;
  identities: string[];
  armored: boolean;
  body: Uint8Array;
}

function load(name: string): Vector {
  const bytes = readFileSync(join(DIR, name));
  const split = bytes.indexOf('\n\n');
  expect(split).toBeGreaterThan(0);
  const vector: Vector = { name, expect: '', identities: [], armored: false, body: new Uint8Array(bytes.subarray(split + 2)) };
  for (const line of bytes.subarray(0, split).toString('utf8').split('\n')) {
    const at = line.indexOf(': ');
    const key = line.slice(0, at);
    const value = line.slice(at + 2);
    if (key === 'expect') vector.expect = value;
    else if (key === 'payload') vector.payload = value;
    else if (key === 'identity') vector.identities.push(value);
    else if (key === 'armored') vector.armored = value === 'yes';
  }
  return vector;
}

/** How each testkit outcome maps onto our error codes (README: "Expected outcomes"). */
const CODE_FOR: Record<string, ErrorCode> = {
  'header failure': 'E_MALFORMED',
  'armor failure': 'E_MALFORMED',
  'no match': 'E_NOT_FOR_US',
  'HMAC failure': 'E_DECRYPT',
  'payload failure': 'E_DECRYPT',
};
/** The reference reads the nonce with the header; for us a missing nonce is a truncated payload. */
const ALIASES: Record<string, ErrorCode> = { stream_short_nonce: 'E_DECRYPT' };

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function codeOf(run: () => unknown): ErrorCode | 'ok' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof TearlineError) return error.code;
    throw error;
  }
}

/** Streams the file through the decryptor one byte at a time, keeping what it released. */
function streamOneByteAtATime(binary: Uint8Array, identities: string[]): { released: Uint8Array; code: ErrorCode | 'ok' } {
  const parts: Uint8Array[] = [];
  const decryptor = new AgeDecryptor(identities);
  const code = codeOf(() => {
    for (let i = 0; i < binary.length; i++) parts.push(decryptor.push(binary.subarray(i, i + 1)));
    parts.push(decryptor.finish());
  });
  return { released: concatBytes(...parts), code };
}

const names = readdirSync(DIR).sort();

beforeAll(async () => {
  await loadSodium();
});

describe('age testkit vectors', () => {
  it('are all present and unmodified', () => {
    const sums = readFileSync(SUMS, 'utf8').trim().split('\n');
    expect(sums.length).toBe(names.length);
    for (const line of sums) {
      const [sum, name] = line.split(/\s+/) as [string, string];
      expect(sha256(readFileSync(join(DIR, name))), name).toBe(sum);
    }
    expect(names.length).toBeGreaterThanOrEqual(50);
  });

  for (const name of names) {
    it(name, () => {
      const v = load(name);
      const expected = v.expect === 'success' ? 'ok' : (ALIASES[name] ?? CODE_FOR[v.expect]);
      expect(expected, `unknown expectation "${v.expect}"`).toBeDefined();

      if (v.expect === 'armor failure') {
        expect(codeOf(() => ageDearmor(v.body))).toBe('E_MALFORMED');
        expect(codeOf(() => ageDecrypt(v.body, v.identities))).toBe('E_MALFORMED');
        return;
      }

      const binary = v.armored ? ageDearmor(v.body) : v.body;
      let plaintext: Uint8Array | undefined;
      const code = codeOf(() => {
        plaintext = ageDecrypt(v.body, v.identities);
      });
      expect(code).toBe(expected);
      if (expected === 'ok') expect(sha256(plaintext!)).toBe(v.payload);

      const streamed = streamOneByteAtATime(binary, v.identities);
      expect(streamed.code).toBe(expected);
      // All plaintext released before a failure must be what the vector says it is.
      if (v.payload !== undefined) expect(sha256(streamed.released)).toBe(v.payload);
    });
  }
});
