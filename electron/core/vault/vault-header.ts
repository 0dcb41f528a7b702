/**
 * The vault header: the only cleartext description of a vault. Its exact stored bytes
 * are the associated data of the wrapped master key, so changing any of it (the KDF
 * parameters above all) makes the passphrase fail rather than silently weakening it.
 */
import { z } from 'zod';
import { canonicalJsonBytes } from '../../../shared/canonical-json';
import { fromUtf8 } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { KdfParamsSchema } from '../crypto/kdf';

export const VAULT_FORMAT = 'tearline-vault';
export const VAULT_FORMAT_VERSION = 1;

export const VaultHeaderSchema = z
  .object({
    format: z.literal(VAULT_FORMAT),
    version: z.literal(VAULT_FORMAT_VERSION),
    vaultId: z.string().uuid(),
    createdAt: z.string(),
    kdf: KdfParamsSchema,
  })
  .strict();
export type VaultHeader = z.infer<typeof VaultHeaderSchema>;

export function encodeVaultHeader(header: VaultHeader): Uint8Array {
  return canonicalJsonBytes(header);
}

export function decodeVaultHeader(bytes: Uint8Array): VaultHeader {
  try {
    return VaultHeaderSchema.parse(JSON.parse(fromUtf8(bytes)));
  } catch (error) {
    throw new TearlineError('E_VAULT_FORMAT', 'the vault header is unreadable or of an unknown version', { cause: error });
  }
}
