/**
 * The workstation's own identity: an Ed25519 key that signs checkpoints and bundles, and
 * an X25519 key that bundles are encrypted to. Both are generated at vault creation and
 * stored sealed under a master-derived key; they exist in clear only in this process's
 * memory while the vault is unlocked.
 */
import { z } from 'zod';
import { canonicalJsonBytes } from '../../../shared/canonical-json';
import { fromBase64, fromUtf8, toBase64, toHex, utf8, concatBytes } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { FINGERPRINT_BYTES } from '../../../shared/keys/fingerprint';
import { open, seal, wipe } from '../crypto/aead';
import { blake2b } from '../crypto/hash';
import { sodium } from '../crypto/sodium';

const SecretsSchema = z
  .object({
    name: z.string(),
    ed25519: z.string(),
    x25519: z.string(),
  })
  .strict();

export interface WorkstationKeys {
  name: string;
  edSecretKey: Uint8Array; // 64 bytes, libsodium layout (seed ‖ public key)
  edPublicKey: Uint8Array;
  xSecretKey: Uint8Array;
  xPublicKey: Uint8Array;
}

export function generateWorkstationKeys(name: string): WorkstationKeys {
  const s = sodium();
  const ed = s.crypto_sign_keypair();
  const x = s.crypto_box_keypair();
  return { name, edSecretKey: ed.privateKey, edPublicKey: ed.publicKey, xSecretKey: x.privateKey, xPublicKey: x.publicKey };
}

function secretsAd(vaultId: string): Uint8Array {
  return utf8(`tearline/workstation-keys/v1\u0000${vaultId}`);
}

export function sealWorkstationKeys(keys: WorkstationKeys, secretsKey: Uint8Array, vaultId: string): Uint8Array {
  const plain = canonicalJsonBytes({ name: keys.name, ed25519: toBase64(keys.edSecretKey), x25519: toBase64(keys.xSecretKey) });
  const sealed = seal(secretsKey, plain, secretsAd(vaultId));
  wipe(plain);
  return concatBytes(sealed.nonce, sealed.ciphertext);
}

export function openWorkstationKeys(stored: Uint8Array, secretsKey: Uint8Array, vaultId: string): WorkstationKeys {
  const plain = open(secretsKey, { nonce: stored.subarray(0, 24), ciphertext: stored.subarray(24) }, secretsAd(vaultId));
  if (!plain) throw new TearlineError('E_INTEGRITY', 'the workstation keys do not decrypt: the vault file was altered');
  const parsed = SecretsSchema.parse(JSON.parse(fromUtf8(plain)));
  wipe(plain);
  const s = sodium();
  const edSecretKey = fromBase64(parsed.ed25519);
  const xSecretKey = fromBase64(parsed.x25519);
  return {
    name: parsed.name,
    edSecretKey,
    edPublicKey: s.crypto_sign_ed25519_sk_to_pk(edSecretKey),
    xSecretKey,
    xPublicKey: s.crypto_scalarmult_base(xSecretKey),
  };
}

export function wipeWorkstationKeys(keys: WorkstationKeys): void {
  wipe(keys.edSecretKey, keys.xSecretKey);
}

export function fingerprintBytes(edPublicKey: Uint8Array): Uint8Array {
  return blake2b(edPublicKey, 32).subarray(0, FINGERPRINT_BYTES);
}

export function fingerprintHex(edPublicKey: Uint8Array): string {
  return toHex(fingerprintBytes(edPublicKey));
}

export function signDetached(keys: WorkstationKeys, message: Uint8Array): Uint8Array {
  return sodium().crypto_sign_detached(message, keys.edSecretKey);
}

export function verifyDetached(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}
