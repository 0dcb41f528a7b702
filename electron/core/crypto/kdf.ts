/**
 * Passphrase → key-encryption key, with Argon2id (libsodium's crypto_pwhash).
 */
import { z } from 'zod';
import { TearlineError } from '../../../shared/errors';
import { sodium } from './sodium';
import { argon2idInWorker } from './kdf-instance';
import { nativeSodium } from './native-sodium';

export const KDF_LEVELS = ['interactive', 'moderate', 'sensitive'] as const;
export type KdfLevel = (typeof KDF_LEVELS)[number];

/** Stored in the vault header, which is authenticated as associated data of the wrapped key. */
export const KdfParamsSchema = z
  .object({
    alg: z.literal('argon2id13'),
    opslimit: z.number().int().positive(),
    memlimit: z.number().int().positive(),
    salt: z.string().regex(/^[A-Za-z0-9+/]{22}==$/),
  })
  .strict();
export type KdfParams = z.infer<typeof KdfParamsSchema>;

/** libsodium's published limits; fixed numbers so a vault's meaning never depends on the build. */
const LIMITS: Record<KdfLevel, { opslimit: number; memlimit: number }> = {
  interactive: { opslimit: 2, memlimit: 64 * 1024 * 1024 },
  moderate: { opslimit: 3, memlimit: 256 * 1024 * 1024 },
  sensitive: { opslimit: 4, memlimit: 1024 * 1024 * 1024 },
};

/** The floor: a vault whose stored parameters are weaker than INTERACTIVE is refused. */
export const KDF_FLOOR = LIMITS.interactive;

export function kdfLimits(level: KdfLevel): { opslimit: number; memlimit: number } {
  return LIMITS[level];
}

export function checkKdfFloor(params: KdfParams): void {
  if (params.opslimit < KDF_FLOOR.opslimit || params.memlimit < KDF_FLOOR.memlimit) {
    throw new TearlineError(
      'E_KDF_TOO_WEAK',
      `the vault's Argon2id parameters (ops ${params.opslimit}, mem ${params.memlimit} bytes) are below the floor (ops ${KDF_FLOOR.opslimit}, mem ${KDF_FLOOR.memlimit}); refusing to open it`,
    );
  }
}

/**
 * Runs in a worker with its own libsodium (kdf-instance.ts), so that Argon2id's memory is
 * given back afterwards. If no worker can be started, this thread derives the same key:
 * with libsodium's native build where it loaded (its memory is unmapped after the call),
 * else with the shared WebAssembly instance, whose memory then stays grown.
 */
export async function deriveKek(passphrase: Uint8Array, params: KdfParams, salt: Uint8Array): Promise<Uint8Array> {
  checkKdfFloor(params);
  let key: Uint8Array | undefined;
  try {
    key = await argon2idInWorker(32, passphrase, salt, params.opslimit, params.memlimit);
  } catch {
    const native = nativeSodium();
    if (native) {
      const out = new Uint8Array(32);
      native.crypto_pwhash(out, passphrase, salt, params.opslimit, params.memlimit, native.crypto_pwhash_ALG_ARGON2ID13);
      return out;
    }
    const s = sodium();
    return s.crypto_pwhash(32, passphrase, salt, params.opslimit, params.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
  }
  if (!key) throw new TearlineError('E_INTERNAL', `Argon2id could not allocate its ${Math.round(params.memlimit / 1048576)} MiB of memory`);
  return key;
}
