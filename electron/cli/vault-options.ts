/** What every vault command shares: its options, and opening the vault for one command. */
import { Option } from 'commander';
import { TearlineError } from '../../shared/errors';
import { Vault } from '../core/vault/vault';
import { readPassphrase } from './passphrase';

export interface VaultOpts {
  vault: string;
  passphraseFile?: string;
  json?: boolean;
}

export const vaultOption = () => new Option('--vault <path>', 'the vault file').makeOptionMandatory();
export const passphraseFileOption = () =>
  new Option('--passphrase-file <file>', 'read the passphrase from this file (else TEARLINE_PASSPHRASE, else a prompt)');
export const jsonOption = () => new Option('--json', 'print one JSON document');

/** Unlocks the vault for the length of `fn` and locks it again, whatever happens. */
export async function withVault<T>(opts: VaultOpts, fn: (vault: Vault) => T | Promise<T>, forInspection = false): Promise<T> {
  const passphrase = await readPassphrase({ env: 'TEARLINE_PASSPHRASE', file: opts.passphraseFile, prompt: 'Vault passphrase: ' });
  const vault = await Vault.open(opts.vault, passphrase, { forInspection });
  try {
    return await fn(vault);
  } finally {
    vault.close();
  }
}

/** A non-negative whole number option (commander argument parser). */
export function wholeNumber(name: string) {
  return (value: string): number => {
    if (!/^\d{1,15}$/.test(value)) throw new TearlineError('E_USAGE', `${name} must be a whole number`);
    return Number(value);
  };
}
