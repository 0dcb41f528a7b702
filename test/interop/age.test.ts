/**
 * Interoperability with the stock `age` and `age-keygen` binaries (Debian's package; CI
 * installs it). Stock `age -d` decrypts what we encrypt, for one and three recipients and
 * sizes around the 64 KiB chunk; we decrypt what stock `age -r` and `age -a -r` wrote. A
 * missing binary fails these tests with a message saying so; nothing is skipped.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../electron/core/crypto/sodium';
import {
  ageDecrypt,
  ageDecryptStream,
  ageEncrypt,
  formatAgeIdentityFile,
  generateAgeIdentity,
  isAgeArmored,
  isAgeFile,
  parseAgeIdentityFile,
} from '../../electron/core/formats/age';
import { concatBytes } from '../../shared/bytes';
import { TearlineError } from '../../shared/errors';

/** The binary's path; a missing one is an error (CI installs it), never a reason to skip. */
function requireBinary(name: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`"${name}" is not on PATH: these interop tests need Debian's ${debianPackage} package (apt-get install ${debianPackage})`);
}

function run(binary: string, args: string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync(binary, args, { input: '', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

function codeOf(runIt: () => unknown): string {
  try {
    runIt();
    return 'ok';
  } catch (error) {
    return error instanceof TearlineError ? error.code : `uncaught ${String(error)}`;
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

function content(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const SIZES = [0, 1, 64 * 1024, 64 * 1024 + 1, 1_000_003];

let age: string;
let ageKeygen: string;
let missing: Error | undefined;
let dir: string;
let stockIdentityPath: string;
let stockRecipient: string;
let ours: { identity: string; recipient: string };

beforeAll(async () => {
  try {
    age = requireBinary('age', 'age');
    ageKeygen = requireBinary('age-keygen', 'age');
  } catch (error) {
    missing = error as Error; // reported by the first test, and by every group below
    return;
  }
  await loadSodium();
  dir = mkdtempSync(join(tmpdir(), 'tearline-age-'));
  stockIdentityPath = join(dir, 'stock-identity.txt');
  const generated = run(ageKeygen, ['-o', stockIdentityPath]);
  expect(generated.status, generated.stderr).toBe(0);
  stockRecipient = run(ageKeygen, ['-y', stockIdentityPath]).stdout.toString('utf8').trim();
  expect(stockRecipient).toMatch(/^age1[a-z0-9]{58}$/);
  ours = generateAgeIdentity();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('has the stock age and age-keygen binaries', () => {
  if (missing) throw missing;
  expect(run(age, ['--version']).stdout.toString('utf8')).toMatch(/\d+\.\d+/);
});

describe('stock age -d decrypts what we encrypt', () => {
  beforeAll(() => {
    if (missing) throw missing;
  });

  for (const recipients of [1, 3]) {
    for (const size of SIZES) {
      it(`${size} bytes to ${recipients} recipient(s)`, () => {
        const plaintext = content(size, size + recipients);
        const to = recipients === 1 ? [stockRecipient] : [generateAgeIdentity().recipient, stockRecipient, ours.recipient];
        const path = join(dir, `ours-${recipients}-${size}.age`);
        writeFileSync(path, ageEncrypt(plaintext, to));
        const result = run(age, ['-d', '-i', stockIdentityPath, path]);
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        expect(same(result.stdout, plaintext)).toBe(true);
      });
    }
  }

  it('decrypts our armored output too', () => {
    const plaintext = content(5000, 9);
    const path = join(dir, 'ours-armored.age');
    writeFileSync(path, ageEncrypt(plaintext, [stockRecipient], { armor: true }));
    const result = run(age, ['-d', '-i', stockIdentityPath, path]);
    expect(result.status, result.stderr).toBe(0);
    expect(same(result.stdout, plaintext)).toBe(true);
  });

  it('uses an identity file that we wrote', () => {
    const identityPath = join(dir, 'our-identity.txt');
    writeFileSync(identityPath, formatAgeIdentityFile(ours.identity));
    const path = join(dir, 'to-ours.age');
    writeFileSync(path, ageEncrypt(content(100, 1), [ours.recipient]));
    const result = run(age, ['-d', '-i', identityPath, path]);
    expect(result.status, result.stderr).toBe(0);
    expect(same(result.stdout, content(100, 1))).toBe(true);
    expect(run(ageKeygen, ['-y', identityPath]).stdout.toString('utf8').trim()).toBe(ours.recipient);
  });

  it('refuses our output once a payload byte is altered', () => {
    const bytes = ageEncrypt(content(3000, 2), [stockRecipient]);
    bytes[bytes.length - 100]! ^= 1;
    const path = join(dir, 'tampered.age');
    writeFileSync(path, bytes);
    expect(run(age, ['-d', '-i', stockIdentityPath, path]).status).not.toBe(0);
  });
});

describe('we decrypt what stock age encrypts', () => {
  beforeAll(() => {
    if (missing) throw missing;
  });

  for (const armor of [false, true]) {
    for (const size of SIZES) {
      it(`${size} bytes${armor ? ', armored (-a)' : ''}`, () => {
        const plaintext = content(size, size * 3 + 1);
        const input = join(dir, `plain-${size}.bin`);
        const output = join(dir, `stock-${size}${armor ? '-a' : ''}.age`);
        writeFileSync(input, plaintext);
        const result = run(age, [...(armor ? ['-a'] : []), '-r', ours.recipient, '-o', output, input]);
        expect(result.status, result.stderr).toBe(0);
        const bytes = new Uint8Array(readFileSync(output));
        expect(isAgeFile(bytes)).toBe(true);
        expect(isAgeArmored(bytes)).toBe(armor);
        expect(same(ageDecrypt(bytes, [ours.identity]), plaintext)).toBe(true);
      });
    }
  }

  it('streams a stock file from disk', async () => {
    const plaintext = content(1_000_003, 77);
    const input = join(dir, 'plain-stream.bin');
    const output = join(dir, 'stock-stream.age');
    writeFileSync(input, plaintext);
    expect(run(age, ['-r', stockRecipient, '-r', ours.recipient, '-o', output, input]).status).toBe(0);
    const parts: Uint8Array[] = [];
    for await (const part of ageDecryptStream(createReadStream(output, { highWaterMark: 10_000 }), [ours.identity])) parts.push(part);
    expect(same(concatBytes(...parts), plaintext)).toBe(true);
  });

  it('reads identities from a file age-keygen wrote', () => {
    const identities = parseAgeIdentityFile(readFileSync(stockIdentityPath, 'utf8'));
    expect(identities).toHaveLength(1);
    const input = join(dir, 'plain-kg.bin');
    const output = join(dir, 'stock-kg.age');
    writeFileSync(input, content(10, 3));
    expect(run(age, ['-r', stockRecipient, '-o', output, input]).status).toBe(0);
    expect(same(ageDecrypt(new Uint8Array(readFileSync(output)), identities), content(10, 3))).toBe(true);
  });

  it('says E_NOT_FOR_US when stock age encrypted to someone else', () => {
    const input = join(dir, 'plain-other.bin');
    const output = join(dir, 'stock-other.age');
    writeFileSync(input, content(50, 4));
    expect(run(age, ['-r', stockRecipient, '-r', generateAgeIdentity().recipient, '-o', output, input]).status).toBe(0);
    expect(codeOf(() => ageDecrypt(new Uint8Array(readFileSync(output)), [ours.identity]))).toBe('E_NOT_FOR_US');
    const armored = join(dir, 'stock-other-a.age');
    expect(run(age, ['-a', '-r', stockRecipient, '-o', armored, input]).status).toBe(0);
    expect(codeOf(() => ageDecrypt(new Uint8Array(readFileSync(armored)), [ours.identity]))).toBe('E_NOT_FOR_US');
  });
});
