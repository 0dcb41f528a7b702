/**
 * libsodium's two builds (electron/core/crypto/native-sodium.ts): the native one
 * (sodium-native) and the WebAssembly one (libsodium-wrappers-sumo) give the same bytes for
 * every hot primitive, through the core's own functions, on random inputs on both sides of
 * the sizes at which the native build takes over; `TEARLINE_SODIUM=wasm` really selects
 * WebAssembly, in this thread and in the workers; and the known-answer tests pass on the
 * build the rest of the suite did not run them on.
 *
 * Each build is a fresh copy of the crypto modules, imported after `vi.resetModules()` with
 * the switch set. Their random nonces come from a stub, so that a seal on one build can be
 * compared byte for byte with the same seal on the other.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toHex } from '../../shared/bytes';
import { onSodiumBuild } from '../helpers/sodium-build';

const root = path.resolve(__dirname, '..', '..');

/** The nonce the stubbed `randomBytes` gives for the next 24-byte request, when set. */
let forcedNonce: Uint8Array | undefined;

async function loadBuild(mode: 'native' | 'wasm') {
  vi.doMock('../../electron/core/crypto/random', async (importOriginal) => {
    const real = await importOriginal<typeof import('../../electron/core/crypto/random')>();
    return { ...real, randomBytes: (n: number) => (n === 24 && forcedNonce ? forcedNonce.slice() : real.randomBytes(n)) };
  });
  try {
    return await onSodiumBuild(mode, async () => ({
      backend: await import('../../electron/core/crypto/native-sodium'),
      sodium: (await import('../../electron/core/crypto/sodium')).sodium(),
      aead: await import('../../electron/core/crypto/aead'),
      bulk: await import('../../electron/core/crypto/bulk-seal'),
      hash: await import('../../electron/core/crypto/hash'),
      age: await import('../../electron/core/formats/age'),
      minisign: await import('../../electron/core/formats/minisign'),
      kdf: await import('../../electron/core/crypto/kdf-instance'),
      hashWorker: await import('../../electron/core/crypto/hash-worker'),
      openerWorker: await import('../../electron/core/crypto/opener-worker'),
      sodiumWorker: await import('../../electron/core/crypto/sodium-worker'),
    }));
  } finally {
    vi.doUnmock('../../electron/core/crypto/random');
  }
}

type Build = Awaited<ReturnType<typeof loadBuild>>;
let native: Build;
let wasm: Build;

beforeAll(async () => {
  native = await loadBuild('native');
  wasm = await loadBuild('wasm');
});

afterAll(() => {
  forcedNonce = undefined;
});

const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : toHex(b));
const seeded = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 2654435761 + seed * 40503) >>> 24);

// Sizes on both sides of NATIVE_FROM_BYTES (512 and 1024), and some well beyond them.
const length = fc.oneof(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 1200, max: 5000 }), fc.constantFrom(0, 1, 511, 512, 1023, 1024, 65_536, 200_000));
const bytes = length.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nonce24 = fc.uint8Array({ minLength: 24, maxLength: 24 });
const ad = fc.uint8Array({ maxLength: 100 });
/** Text and bytes, as the core hashes and seals them: any UTF-16 text, lone surrogates too. */
const part = fc.oneof(fc.string({ unit: 'binary', maxLength: 700 }), fc.string({ maxLength: 3000 }), fc.uint8Array({ maxLength: 2000 }));
const parts = fc.array(part, { maxLength: 6 });

function encode(p: readonly (string | Uint8Array)[]): Buffer {
  return Buffer.concat(p.map((x) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : Buffer.from(x))));
}

function flip(b: Uint8Array, at: number): Uint8Array {
  const c = new Uint8Array(b);
  c[at % c.length]! ^= 1 << at % 8;
  return c;
}

describe('which build is used', () => {
  it('loads the native build on this machine unless told otherwise', async () => {
    vi.resetModules();
    const fresh = await import('../../electron/core/crypto/native-sodium');
    const expected = process.env.TEARLINE_SODIUM === 'wasm' ? 'wasm' : 'native';
    expect(fresh.sodiumBackend()).toMatchObject({ backend: expected });
  });

  it('TEARLINE_SODIUM=wasm keeps every hot primitive off the native build, in this thread', () => {
    const sn = createRequire(import.meta.url)('sodium-native') as Record<string, (...args: unknown[]) => unknown>;
    const names = [
      'crypto_aead_xchacha20poly1305_ietf_encrypt',
      'crypto_aead_xchacha20poly1305_ietf_decrypt',
      'crypto_aead_chacha20poly1305_ietf_encrypt',
      'crypto_aead_chacha20poly1305_ietf_decrypt',
      'crypto_hash_sha256',
      'crypto_generichash',
      'crypto_generichash_update',
    ];
    const spies = names.map((name) => vi.spyOn(sn, name));
    try {
      /** For each hot entry point, on a large input: how many calls reached sodium-native. */
      const run = (b: Build): Record<string, number> => {
        const key = seeded(32, 1);
        const big = seeded(8192, 2);
        const data = seeded(40, 3);
        const sealed = native.aead.seal(key, big, data);
        const box = new Uint8Array(big.length + 16);
        const ops: Record<string, () => unknown> = {
          seal: () => b.aead.seal(key, big, data),
          open: () => b.aead.open(key, sealed, data),
          bulkSealer: () => {
            const sealer = b.bulk.bulkSealer(key);
            sealer.seal([big], [data]);
            sealer.dispose();
          },
          bulkOpener: () => {
            const opener = b.aead.bulkOpener(key);
            opener.open(sealed, data);
            opener.openWith(sealed, data, () => undefined);
            opener.dispose();
          },
          chachaIetfSealInto: () => b.aead.chachaIetfSealInto(box, big, new Uint8Array(12), key),
          chachaIetfOpenInto: () => b.aead.chachaIetfOpenInto(new Uint8Array(big.length), box, new Uint8Array(12), key),
          sha256: () => b.hash.sha256(big),
          sha256Parts: () => b.bulk.sha256Parts([big, 'text']),
          sha256Each: () => b.bulk.sha256Each([[big], ['x'.repeat(3000)]], new Uint8Array(64)),
          blake2b: () => b.hash.blake2b(big, 64),
          createBlake2b: () => b.hash.createBlake2b(64).update(big).digest(),
          minisignPrehash: () => b.minisign.minisignPrehash(big),
          ageEncryptor: () => new b.age.AgeEncryptor([recipient]).push(seeded(200_000, 4)),
        };
        const calls: Record<string, number> = {};
        for (const [name, op] of Object.entries(ops)) {
          for (const s of spies) s.mockClear();
          op();
          calls[name] = spies.reduce((n, s) => n + s.mock.calls.length, 0);
        }
        return calls;
      };
      const { recipient } = wasm.age.generateAgeIdentity();
      const onWasm = run(wasm);
      const onNative = run(native);
      expect(Object.values(onWasm).every((n) => n === 0), JSON.stringify(onWasm)).toBe(true);
      expect(Object.values(onNative).every((n) => n > 0), JSON.stringify(onNative)).toBe(true);
      // Short inputs stay on WebAssembly in a native process too (NATIVE_FROM_BYTES).
      for (const s of spies) s.mockClear();
      native.hash.sha256(seeded(64, 4));
      native.hash.blake2b(seeded(32, 5), 32);
      native.aead.seal(seeded(32, 1), seeded(100, 6), new Uint8Array(0));
      expect(spies.map((s) => s.mock.calls.length)).toEqual(names.map(() => 0));
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('gives the workers the native build only where this thread uses it', async () => {
    const source = "require('node:worker_threads').parentPort.postMessage(require('node:worker_threads').workerData.sodiumNative)";
    const ask = (b: Build) =>
      new Promise<unknown>((resolve, reject) => {
        const worker = b.sodiumWorker.startSodiumWorker(source);
        worker.once('message', (m) => {
          resolve(m);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    expect(await ask(wasm)).toBeNull();
    const given = await ask(native);
    expect(given).toEqual(expect.stringMatching(/[\\/]node_modules[\\/]sodium-native[\\/]index\.js$/));
  });

  it('falls back to WebAssembly where sodium-native does not load, unless TEARLINE_SODIUM=native', async () => {
    // As in a packaged app whose unpacked binary is missing: require('sodium-native') throws.
    vi.doMock('node:module', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:module')>();
      const createRequire = (from: string | URL): NodeRequire => {
        const inner = real.createRequire(from);
        const fake = (id: string): ReturnType<NodeRequire> => {
          if (id === 'sodium-native') throw Object.assign(new Error("Cannot find addon '.'"), { code: 'ADDON_NOT_FOUND' });
          return inner(id);
        };
        return Object.assign(fake, { resolve: inner.resolve, cache: inner.cache, main: inner.main, extensions: inner.extensions });
      };
      return { ...real, createRequire, default: { ...real, createRequire } };
    });
    try {
      for (const mode of [undefined, 'native'] as const) {
        vi.resetModules();
        vi.stubEnv('TEARLINE_SODIUM', mode);
        const fresh = await import('../../electron/core/crypto/native-sodium');
        if (mode === 'native') {
          expect(() => fresh.sodiumBackend()).toThrow(/TEARLINE_SODIUM=native, but sodium-native did not load: Cannot find addon/);
        } else {
          expect(fresh.sodiumBackend()).toEqual({ backend: 'wasm', reason: "sodium-native did not load: Cannot find addon '.'" });
          expect(fresh.nativeSodium()).toBeUndefined();
          // And everything still works, on WebAssembly.
          const sodium = await import('../../electron/core/crypto/sodium');
          await sodium.loadSodium();
          const { bulkSealer } = await import('../../electron/core/crypto/bulk-seal');
          const { bulkOpener } = await import('../../electron/core/crypto/aead');
          const key = seeded(32, 20);
          const sealer = bulkSealer(key);
          const sealed = sealer.seal([seeded(4000, 21)], ['ad']);
          sealer.dispose();
          expect(hex(bulkOpener(key).open(sealed, new TextEncoder().encode('ad')))).toBe(hex(seeded(4000, 21)));
        }
        vi.unstubAllEnvs();
      }
    } finally {
      vi.unstubAllEnvs();
      vi.doUnmock('node:module');
    }
  });
});

describe('the same bytes from both builds', () => {
  it('XChaCha20-Poly1305: seal, open, and refusal of a changed ciphertext, data or nonce', () => {
    fc.assert(
      fc.property(key32, nonce24, bytes, ad, fc.nat(), (key, nonce, plain, data, where) => {
        forcedNonce = nonce;
        const a = native.aead.seal(key, plain, data);
        const b = wasm.aead.seal(key, plain, data);
        forcedNonce = undefined;
        expect(hex(a.ciphertext)).toBe(hex(b.ciphertext));
        expect(hex(a.nonce)).toBe(hex(nonce));
        for (const build of [native, wasm]) {
          expect(hex(build.aead.open(key, a, data))).toBe(hex(plain));
          expect(build.aead.open(key, { nonce, ciphertext: flip(a.ciphertext, where) }, data)).toBeUndefined();
          expect(build.aead.open(key, { nonce: flip(nonce, where), ciphertext: a.ciphertext }, data)).toBeUndefined();
          expect(build.aead.open(key, a, flip(new Uint8Array([...data, 0]), where))).toBeUndefined();
          expect(build.aead.open(key, { nonce, ciphertext: a.ciphertext.subarray(0, where % 16) }, data)).toBeUndefined();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('bulk sealer and opener: the same ciphertexts, each opening the other’s, changes refused', () => {
    fc.assert(
      fc.property(key32, fc.array(fc.tuple(nonce24, parts, parts), { minLength: 1, maxLength: 6 }), fc.nat(), (key, records, where) => {
        const sealers = [native.bulk.bulkSealer(key), wasm.bulk.bulkSealer(key)];
        const openers = [native.aead.bulkOpener(key), wasm.aead.bulkOpener(key)];
        try {
          for (const [nonce, plain, data] of records) {
            const sealed = sealers.map((s) => {
              forcedNonce = nonce;
              const out = s.seal(plain, data);
              forcedNonce = undefined;
              return out;
            });
            expect(hex(sealed[0]!.ciphertext)).toBe(hex(sealed[1]!.ciphertext));
            const expected = encode(plain);
            const dataBytes = encode(data);
            for (const opener of openers) {
              expect(hex(opener.open(sealed[0]!, dataBytes))).toBe(hex(expected));
              expect(opener.openWith(sealed[1]!, dataBytes, (p) => toHex(p))).toBe(toHex(expected));
              const changed = { nonce, ciphertext: flip(sealed[0]!.ciphertext, where) };
              expect(opener.open(changed, dataBytes)).toBeUndefined();
              expect(opener.openWith(changed, dataBytes, () => 'opened')).toBeUndefined();
            }
          }
        } finally {
          for (const s of sealers) s.dispose();
          for (const o of openers) o.dispose();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('SHA-256 of parts, of each message, and of bytes, as node:crypto computes it', () => {
    fc.assert(
      fc.property(fc.array(parts, { maxLength: 12 }), bytes, (messages, data) => {
        const expected = messages.map((m) => createHash('sha256').update(encode(m)).digest('hex'));
        for (const build of [native, wasm]) {
          const out = new Uint8Array(32 * messages.length);
          build.bulk.sha256Each(messages, out);
          expect(messages.map((_, i) => toHex(out.subarray(32 * i, 32 * i + 32)))).toEqual(expected);
          messages.forEach((m, i) => expect(toHex(build.bulk.sha256Parts(m))).toBe(expected[i]));
          expect(toHex(build.hash.sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('BLAKE2b, keyed or not, of any length, whole or streamed in pieces', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 16, max: 64 }), fc.option(fc.uint8Array({ minLength: 16, maxLength: 64 }), { nil: undefined }), fc.array(fc.nat(), { maxLength: 8 }), (data, outLength, key, cuts) => {
        const expected = toHex(wasm.sodium.crypto_generichash(outLength, data, key ?? null));
        for (const build of [native, wasm]) {
          expect(toHex(build.hash.blake2b(data, outLength, key))).toBe(expected);
          const stream = build.hash.createBlake2b(outLength, key);
          let at = 0;
          for (const cut of [...cuts].map((c) => c % (data.length + 1)).sort((x, y) => x - y)) {
            stream.update(data.subarray(at, Math.max(at, cut)));
            at = Math.max(at, cut);
          }
          expect(toHex(stream.update(data.subarray(at)).digest())).toBe(expected);
        }
        expect(toHex(native.minisign.minisignPrehash(data))).toBe(toHex(wasm.minisign.minisignPrehash(data)));
      }),
      { numRuns: 150 },
    );
  });

  it('BLAKE2b of data in shared memory (the hashing worker’s blocks)', () => {
    const data = new Uint8Array(new SharedArrayBuffer(5000)).map((_, i) => i * 7);
    const expected = toHex(wasm.sodium.crypto_generichash(64, new Uint8Array(data), null));
    for (const build of [native, wasm]) {
      expect(toHex(build.hash.blake2b(data, 64))).toBe(expected);
      expect(toHex(build.hash.createBlake2b(64).update(data).digest())).toBe(expected);
    }
  });

  it('ChaCha20-Poly1305-IETF (age’s payload): the same ciphertext, refused when changed', () => {
    fc.assert(
      fc.property(key32, fc.uint8Array({ minLength: 12, maxLength: 12 }), bytes, fc.nat(), (key, nonce, plain, where) => {
        const boxes = [native, wasm].map((b) => {
          const out = new Uint8Array(plain.length + 16);
          b.aead.chachaIetfSealInto(out, plain, nonce, key);
          return out;
        });
        expect(hex(boxes[0])).toBe(hex(boxes[1]));
        expect(hex(boxes[0])).toBe(hex(wasm.sodium.crypto_aead_chacha20poly1305_ietf_encrypt(plain, null, null, nonce, key)));
        for (const build of [native, wasm]) {
          const out = new Uint8Array(plain.length);
          expect(build.aead.chachaIetfOpenInto(out, boxes[0]!, nonce, key)).toBe(true);
          expect(hex(out)).toBe(hex(plain));
          const refused = new Uint8Array(plain.length).fill(0xaa);
          expect(build.aead.chachaIetfOpenInto(refused, flip(boxes[0]!, where), nonce, key)).toBe(false);
          expect(refused.every((x) => x === 0)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('age files: each build decrypts what the other encrypted, in pieces of any size', () => {
    const { identity, recipient } = wasm.age.generateAgeIdentity();
    fc.assert(
      fc.property(fc.oneof(bytes, fc.constantFrom(65_535, 65_536, 65_537, 3 * 65_536)), fc.nat({ max: 70_000 }), (size, piece) => {
        const plain = typeof size === 'number' ? seeded(size, size) : size;
        for (const [from, to] of [
          [native, wasm],
          [wasm, native],
        ] as const) {
          const encryptor = new from.age.AgeEncryptor([recipient]);
          const out: Uint8Array[] = [];
          for (let at = 0; at < plain.length; at += piece + 1) out.push(encryptor.push(plain.subarray(at, at + piece + 1)));
          out.push(encryptor.finish());
          const file = Buffer.concat(out);
          expect(hex(to.age.ageDecrypt(file, [identity]))).toBe(hex(plain));
          const changed = flip(file, file.length - 1 - (piece % 17));
          expect(() => to.age.ageDecrypt(changed, [identity])).toThrow();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('the workers on both builds', () => {
  it('Argon2id gives the same key on the native build, on WebAssembly, and on the shared instance', async () => {
    const passphrase = new TextEncoder().encode('correct horse battery staple ✓');
    const salt = seeded(16, 9);
    const expected = toHex(wasm.sodium.crypto_pwhash(32, passphrase, salt, 2, 64 * 1024 * 1024, wasm.sodium.crypto_pwhash_ALG_ARGON2ID13));
    for (const build of [native, wasm]) {
      const key = await build.kdf.argon2idInWorker(32, passphrase, salt, 2, 64 * 1024 * 1024);
      expect(hex(key)).toBe(expected);
    }
    // Parameters libsodium refuses: no key, from either build.
    for (const build of [native, wasm]) expect(await build.kdf.argon2idInWorker(32, passphrase, salt, 0, 1024)).toBeUndefined();
  });

  it('Argon2id on this thread, where no worker starts, gives the same key', async () => {
    vi.resetModules();
    vi.doMock('../../electron/core/crypto/kdf-instance', () => ({ argon2idInWorker: () => Promise.reject(new Error('no worker')) }));
    try {
      const sodium = await import('../../electron/core/crypto/sodium');
      await sodium.loadSodium();
      const { sodiumBackend } = await import('../../electron/core/crypto/native-sodium');
      const { deriveKek, kdfLimits } = await import('../../electron/core/crypto/kdf');
      const passphrase = new TextEncoder().encode('hunter2 hunter2');
      const salt = seeded(16, 11);
      const key = await deriveKek(passphrase, { alg: 'argon2id13', ...kdfLimits('interactive'), salt: Buffer.from(salt).toString('base64') }, salt);
      const s = wasm.sodium;
      expect(toHex(key)).toBe(toHex(s.crypto_pwhash(32, passphrase, salt, 2, 64 * 1024 * 1024, s.crypto_pwhash_ALG_ARGON2ID13)));
      expect(sodiumBackend().backend).toBe(process.env.TEARLINE_SODIUM === 'wasm' ? 'wasm' : 'native');
    } finally {
      vi.doUnmock('../../electron/core/crypto/kdf-instance');
    }
  });

  it('the opener worker opens, and refuses, exactly what the bulk opener does', async () => {
    const key = seeded(32, 12);
    const blocks = [0, 15, 16, 700, 4096, 300_000].map((n, i) => {
      const data = seeded(40, i);
      return { data, plain: seeded(n, i), sealed: wasm.aead.seal(key, seeded(n, i), data) };
    });
    for (const build of [native, wasm]) {
      const worker = await build.openerWorker.startOpenerWorker();
      expect(worker).toBeDefined();
      const opener = build.openerWorker.parallelOpener(worker, key);
      try {
        for (const { data, plain, sealed } of blocks) {
          const copy = () => ({ nonce: sealed.nonce, ciphertext: new Uint8Array(sealed.ciphertext) });
          expect(hex(await opener.open(copy, data))).toBe(hex(plain));
          expect(await opener.open(() => ({ nonce: sealed.nonce, ciphertext: flip(sealed.ciphertext, 7) }), data)).toBeUndefined();
          expect(await opener.open(copy, flip(data, 3))).toBeUndefined();
        }
      } finally {
        await opener.close();
      }
    }
  });

  it('the hashing worker gives the same digests and entry hashes on both builds', async () => {
    const data = seeded(3 * 1024 * 1024 + 5, 13);
    // Two entries laid out as hashEntries reads them: a header, then fields (salt, name, value).
    const layout = seeded(4000, 14);
    const desc = Int32Array.from([0, 600, 2, 600, 632, 5, 640, 20, 700, 632, 5, 660, 1500, 2200, 0, 1, 2300, 700, 4, 3000, 900]);
    const results: string[][] = [];
    for (const build of [native, wasm]) {
      const worker = await build.hashWorker.startHashWorker();
      expect(worker).toBeDefined();
      try {
        worker!.begin(['blake2b-512', 'sha256']);
        for (let at = 0; at < data.length; at += 777_777) {
          worker!.update(data.subarray(at, at + 777_777));
          await worker!.settle();
        }
        const digests = await worker!.finish();
        const entries = await worker!.hashEntries(layout, desc);
        results.push([...digests.map((d) => toHex(d)), toHex(entries)]);
      } finally {
        worker!.close();
      }
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]![0]).toBe(toHex(wasm.sodium.crypto_generichash(64, data, null)));
    expect(results[0]![1]).toBe(createHash('sha256').update(data).digest('hex'));
  });
});

describe('packaging', () => {
  it('unpacks from the asar archive every package that loading sodium-native reads', async () => {
    // js-yaml as test/shell/builder-config.test.ts reaches it: through electron-builder.
    const builder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
    const { load } = createRequire(builder.resolve('app-builder-lib/package.json'))('js-yaml') as { load(text: string): unknown };
    const config = load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { asarUnpack: string[] };
    const probe = spawnSync(process.execPath, ['-e', "require('sodium-native'); console.log(JSON.stringify(Object.keys(require.cache)))"], { cwd: root, encoding: 'utf8' });
    expect(probe.status, probe.stderr).toBe(0);
    const packages = new Set<string>();
    for (const file of JSON.parse(probe.stdout) as string[]) {
      const name = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(path.relative(root, file))?.[1];
      if (name) packages.add(name.replace(/\\/g, '/'));
    }
    expect(packages.has('sodium-native')).toBe(true);
    for (const name of packages) expect(config.asarUnpack, `${name} must be unpacked`).toContain(`node_modules/${name}/**`);
  });
});

describe('the known-answer tests on the other build', () => {
  it('pass with the build this run did not use (RFC 8032, XChaCha20-Poly1305, Merkle, age testkit, minisign)', () => {
    const other = process.env.TEARLINE_SODIUM === 'wasm' ? 'native' : 'wasm';
    const files = [
      'test/core/crypto-kat.test.ts',
      'test/unit/merkle.test.ts',
      'test/unit/age-testkit.test.ts',
      'test/unit/age.test.ts',
      'test/unit/minisign-vectors.test.ts',
      'test/unit/minisign.test.ts',
      'test/interop/age.test.ts',
      'test/interop/minisign.test.ts',
      'test/core/entry-record.test.ts',
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, TEARLINE_SODIUM: other };
    for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
    const run = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...files], { cwd: root, env, encoding: 'utf8', timeout: 300_000 });
    // eslint-disable-next-line no-control-regex
    const output = `${run.stdout}\n${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
    expect(run.status, output).toBe(0);
    expect(output).toMatch(new RegExp(`Test Files\\s+${files.length} passed`));
  }, 300_000);
});
