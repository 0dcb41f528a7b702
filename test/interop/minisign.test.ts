/**
 * Interoperability with the stock `minisign` binary (Debian's package; CI installs it).
 * Both directions: stock `minisign -V` accepts what we sign and refuses it altered; what
 * stock `minisign -S` signs verifies here and is refused altered. A missing binary fails
 * these tests with a message saying so; nothing is skipped.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, sodium } from '../../electron/core/crypto/sodium';
import {
  createMinisignHasher,
  encodeMinisignPublicKey,
  encodeMinisignPublicKeyBase64,
  minisignKeyId,
  parseMinisignPublicKey,
  signMinisign,
  verifyMinisign,
} from '../../electron/core/formats/minisign';
import { TearlineError } from '../../shared/errors';

/** The binary's path; a missing one is an error (CI installs it), never a reason to skip. */
function requireBinary(name: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`"${name}" is not on PATH: these interop tests need Debian's ${debianPackage} package (apt-get install ${debianPackage})`);
}

function run(binary: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(binary, args, { encoding: 'utf8', input: '', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function codeOf(runIt: () => unknown): string {
  try {
    runIt();
    return 'ok';
  } catch (error) {
    return error instanceof TearlineError ? error.code : `uncaught ${String(error)}`;
  }
}

async function streamedPrehash(path: string): Promise<Uint8Array> {
  const hasher = createMinisignHasher();
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) hasher.update(chunk as Buffer);
  return hasher.digest();
}

let minisign: string;
let missing: Error | undefined;
let dir: string;
const file = () => join(dir, 'bundle.bin');

beforeAll(async () => {
  try {
    minisign = requireBinary('minisign', 'minisign');
  } catch (error) {
    missing = error as Error; // reported by the first test, and by every group below
    return;
  }
  await loadSodium();
  dir = mkdtempSync(join(tmpdir(), 'tearline-minisign-'));
  // A few MB, so that our streamed prehash is exercised over many reads.
  const content = new Uint8Array(3 * 1024 * 1024 + 123);
  for (let i = 0; i < content.length; i++) content[i] = (i * 2654435761) >>> 24;
  writeFileSync(file(), content);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('has the stock minisign binary', () => {
  if (missing) throw missing;
  expect(run(minisign, ['-v']).stdout).toMatch(/^minisign \d/);
});

describe('stock minisign -V checks what we sign', () => {
  const trustedComment = 'tearline bundle 01J9\torigin:ws-north\tsize:1234\troot:9f86d081884c7d65';
  let pair: { publicKey: Uint8Array; privateKey: Uint8Array };
  let pubPath: string;
  let sigPath: string;

  beforeAll(async () => {
    if (missing) throw missing;
    pair = sodium().crypto_sign_keypair();
    pubPath = join(dir, 'ours.pub');
    sigPath = join(dir, 'bundle.bin.minisig');
    writeFileSync(pubPath, encodeMinisignPublicKey({ publicKey: pair.publicKey }));
    const signature = signMinisign({
      secretKey: pair.privateKey,
      keyId: minisignKeyId(pair.publicKey),
      prehash: await streamedPrehash(file()),
      trustedComment,
    });
    writeFileSync(sigPath, signature);
  });

  it('accepts our signature and shows our trusted comment', () => {
    const result = run(minisign, ['-V', '-p', pubPath, '-m', file(), '-x', sigPath]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Signature and comment signature verified');
    expect(result.stdout).toContain(`Trusted comment: ${trustedComment}`);
  });

  it('accepts our key in its -P form and with -H (prehashed required)', () => {
    const keyB64 = encodeMinisignPublicKeyBase64({ publicKey: pair.publicKey });
    expect(run(minisign, ['-V', '-P', keyB64, '-m', file(), '-x', sigPath]).status).toBe(0);
    expect(run(minisign, ['-V', '-H', '-p', pubPath, '-m', file(), '-x', sigPath]).status).toBe(0);
  });

  it('refuses our signature on an altered file', () => {
    const altered = join(dir, 'altered.bin');
    const bytes = readFileSync(file());
    bytes[bytes.length >> 1]! ^= 1;
    writeFileSync(altered, bytes);
    const result = run(minisign, ['-V', '-p', pubPath, '-m', altered, '-x', sigPath]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('Trusted comment');
  });

  it('refuses our signature with an altered trusted comment', () => {
    const forged = join(dir, 'forged.minisig');
    writeFileSync(forged, readFileSync(sigPath, 'utf8').replace('size:1234', 'size:1235'));
    const result = run(minisign, ['-V', '-p', pubPath, '-m', file(), '-x', forged]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('Trusted comment');
  });

  it('refuses our signature under another key', () => {
    const otherPub = join(dir, 'other.pub');
    writeFileSync(otherPub, encodeMinisignPublicKey({ publicKey: sodium().crypto_sign_keypair().publicKey }));
    expect(run(minisign, ['-V', '-p', otherPub, '-m', file(), '-x', sigPath]).status).not.toBe(0);
  });
});

describe('we check what stock minisign -S signs', () => {
  let stockPub: string;
  let stockKey: string;

  beforeAll(() => {
    if (missing) throw missing;
    stockPub = join(dir, 'stock.pub');
    stockKey = join(dir, 'stock.key');
    const generated = run(minisign, ['-G', '-W', '-p', stockPub, '-s', stockKey]);
    expect(generated.status, generated.stderr).toBe(0);
  });

  it('verifies a prehashed signature with a streamed prehash and returns its trusted comment', async () => {
    const sig = join(dir, 'stock.minisig');
    const signed = run(minisign, ['-S', '-s', stockKey, '-m', file(), '-x', sig, '-t', 'signed by stock minisign']);
    expect(signed.status, signed.stderr).toBe(0);
    const key = parseMinisignPublicKey(readFileSync(stockPub, 'utf8'));
    const result = verifyMinisign({ publicKey: key, prehash: await streamedPrehash(file()), signatureText: readFileSync(sig, 'utf8') });
    expect(result).toMatchObject({ algorithm: 'ED', trustedComment: 'signed by stock minisign' });
    expect(result.keyId).toEqual(key.keyId);
  });

  it('verifies a legacy signature (minisign -l) against the whole file', () => {
    const sig = join(dir, 'stock-legacy.minisig');
    expect(run(minisign, ['-S', '-l', '-s', stockKey, '-m', file(), '-x', sig, '-t', 'legacy']).status).toBe(0);
    const key = parseMinisignPublicKey(readFileSync(stockPub, 'utf8'));
    const result = verifyMinisign({ publicKey: key, message: readFileSync(file()), signatureText: readFileSync(sig, 'utf8'), allowLegacy: true });
    expect(result).toMatchObject({ algorithm: 'Ed', trustedComment: 'legacy' });
  });

  it('refuses the stock signature on an altered file, with an altered comment, or under our key', async () => {
    const sig = join(dir, 'stock2.minisig');
    expect(run(minisign, ['-S', '-s', stockKey, '-m', file(), '-x', sig, '-t', 'origin:stock']).status).toBe(0);
    const key = parseMinisignPublicKey(readFileSync(stockPub, 'utf8'));
    const text = readFileSync(sig, 'utf8');
    const message = new Uint8Array(readFileSync(file()));
    message[7]! ^= 0x40;
    expect(codeOf(() => verifyMinisign({ publicKey: key, message, signatureText: text }))).toBe('E_BAD_SIGNATURE');
    const prehash = await streamedPrehash(file());
    expect(codeOf(() => verifyMinisign({ publicKey: key, prehash, signatureText: text.replace('origin:stock', 'origin:stocks') }))).toBe(
      'E_BAD_SIGNATURE',
    );
    const ours = parseMinisignPublicKey(encodeMinisignPublicKey({ publicKey: sodium().crypto_sign_keypair().publicKey }));
    expect(codeOf(() => verifyMinisign({ publicKey: ours, prehash, signatureText: text }))).toBe('E_BAD_SIGNATURE');
  });
});
