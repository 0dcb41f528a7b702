import { Vault } from '../../electron/core/vault/vault';
import { verifyVault, type IntegrityReport } from '../../electron/core/log/integrity';

/** Opens a (possibly damaged) vault for inspection and runs the full integrity check, as `tearline verify` does. */
export async function inspectVault(file: string, passphrase: string): Promise<IntegrityReport> {
  const v = await Vault.open(file, passphrase, { forInspection: true });
  try {
    return verifyVault(v);
  } finally {
    v.close();
  }
}
