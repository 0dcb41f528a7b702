/** The commands and their options (commander). Each action is a thin call into the core. */
import { Command, Option } from 'commander';
import { TearlineError } from '../../shared/errors';
import { ENTRY_KINDS, USER_ENTRY_KINDS } from '../../shared/domain/kinds';
import { KDF_LEVELS, type KdfLevel } from '../core/crypto/kdf';
import { Vault } from '../core/vault/vault';
import { appendEntries, caseWithImports } from '../core/case-records';
import { buildKeyCard, formatKeyCard } from '../core/vault/key-card';
import { readPassphrase } from './passphrase';
import { jsonOption, passphraseFileOption, vaultOption, wholeNumber, withVault, type VaultOpts } from './vault-options';
import { parseBodies, printJson, printLines, readInput } from './io';
import { formatCaseView, formatEntry, formatIntegrity, formatListLine } from './format';
import { schemaDocument } from './schema';
import { registerBundleCommands } from './bundle-commands';
import { checkVault, findImported } from '../core/bundle';
import { summarizeEntry } from '../../shared/domain';

export function buildProgram(): Command {
  const program = new Command('tearline')
    .description('Tearline: an encrypted, tamper-evident log of duty-to-warn warnings and waivers')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .showSuggestionAfterError(true)
    .enablePositionalOptions();

  const command = (name: string) => program.command(name).exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });

  command('init')
    .description('create a new vault (passphrase from TEARLINE_PASSPHRASE, --passphrase-file, or a prompt)')
    .addOption(vaultOption())
    .option('--name <name>', "this workstation's name, shown on its key card", 'Tearline workstation')
    .addOption(new Option('--kdf <level>', 'Argon2id cost').choices(KDF_LEVELS).default('moderate'))
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (opts: VaultOpts & { name: string; kdf: KdfLevel }) => {
      const passphrase = await readPassphrase({ env: 'TEARLINE_PASSPHRASE', file: opts.passphraseFile, prompt: 'New vault passphrase: ', confirm: true });
      const vault = await Vault.create(opts.vault, passphrase, { name: opts.name, kdf: opts.kdf });
      try {
        const card = buildKeyCard(vault);
        if (opts.json) printJson({ path: vault.path, vaultId: vault.header.vaultId, origin: vault.origin, keyCard: card });
        else printLines([`Created vault ${vault.path}`, ...formatKeyCard(card)]);
      } finally {
        vault.close();
      }
    });

  command('add')
    .description('append entries of one kind: one JSON object, a JSON array, or NDJSON (one transaction)')
    .addOption(vaultOption())
    .addOption(new Option('--kind <kind>', 'the entry kind (see `tearline schema`)').choices(USER_ENTRY_KINDS).makeOptionMandatory())
    .requiredOption('--file <file>', 'the JSON file, or - for standard input')
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (opts: VaultOpts & { kind: string; file: string }) => {
      const source = opts.file === '-' ? 'standard input' : opts.file;
      const bodies = parseBodies(readInput(opts.file), source);
      const added = await withVault(opts, (vault) => appendEntries(vault, bodies.map((body) => ({ kind: opts.kind, body }))));
      if (opts.json) printJson(added);
      else printLines(added.map((e) => `added #${e.index} ${e.kind} ${e.id}${e.caseId && e.caseId !== e.id ? ` (case ${e.caseId})` : ''}`));
    });

  command('list')
    .description('list entries, newest last')
    .addOption(vaultOption())
    .addOption(new Option('--kind <kind>', 'only this kind').choices(ENTRY_KINDS))
    .option('--case <id>', 'only the entries of this case')
    .option('--search <text>', 'only entries containing every word (sensitive fields are never searched)')
    .option('--limit <n>', 'at most n entries', wholeNumber('--limit'))
    .option('--offset <n>', 'skip the first n matches', wholeNumber('--offset'))
    .option('--desc', 'newest first')
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (opts: VaultOpts & { kind?: string; case?: string; search?: string; limit?: number; offset?: number; desc?: boolean }) => {
      const page = await withVault(opts, (vault) =>
        vault.list({ kind: opts.kind, caseId: opts.case, search: opts.search, limit: opts.limit, offset: opts.offset, order: opts.desc ? 'desc' : 'asc' }),
      );
      if (opts.json) printJson(page.items);
      else printLines([...page.items.map(formatListLine), `${page.total} entr${page.total === 1 ? 'y' : 'ies'}${page.items.length < page.total ? ` (${page.items.length} shown)` : ''}`]);
    });

  command('show')
    .description("show one entry, decrypted: this vault's own, or one imported from another workstation")
    .argument('<id>', 'the entry id')
    .addOption(vaultOption())
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (id: string, opts: VaultOpts) => {
      const found = await withVault(opts, (vault) => {
        if (vault.hasEntry(id)) {
          const e = vault.get(id);
          return { local: { ...e, leafHash: Buffer.from(vault.leafHash(e.index)).toString('hex') } };
        }
        const imported = findImported(vault, id);
        if (!imported) throw new TearlineError('E_NOT_FOUND', `no entry ${id} in this vault, nor among the entries imported into it`);
        return { imported };
      });
      if ('local' in found) {
        const entry = found.local!;
        if (opts.json) printJson({ index: entry.index, ...entry.header, body: entry.body, summary: entry.summary, leafHash: entry.leafHash });
        else printLines(formatEntry(entry));
        return;
      }
      const e = found.imported;
      const from = { origin: e.origin, signer: e.signerName, fingerprint: e.fingerprint, bundleId: e.bundleId, importedAt: e.importedAt };
      if (opts.json) printJson({ index: e.index, ...e.header, body: e.body, summary: summarizeEntry(e.header, e.body), leafHash: e.leafHash, withheld: e.withheld, importedFrom: from });
      else {
        printLines([
          ...formatEntry({ index: e.index, header: e.header, body: e.body, summary: summarizeEntry(e.header, e.body), leafHash: e.leafHash }),
          `  imported  from ${e.signerName ?? e.fingerprint} (${e.origin}), #${e.index} of its log, on ${e.importedAt.slice(0, 10)}`,
          ...(e.withheld.length > 0 ? [`  withheld  ${e.withheld.join(', ')}`] : []),
        ]);
      }
    });

  command('case')
    .description('show a case: its current state after amendments, and its timeline')
    .argument('<caseId>', 'the case id (the id of its case.opened entry)')
    .addOption(vaultOption())
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (caseId: string, opts: VaultOpts) => {
      const view = await withVault(opts, (vault) => caseWithImports(vault, caseId));
      if (opts.json) printJson(view);
      else printLines(formatCaseView(view));
    });

  command('verify')
    .description('check the whole vault: every entry, hash, proof and signed checkpoint')
    .addOption(vaultOption())
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (opts: VaultOpts) => {
      const report = await withVault(opts, (vault) => checkVault(vault), true);
      if (opts.json) printJson(report);
      else printLines(formatIntegrity(report));
      if (!report.ok) {
        const first = report.problems[0]!;
        throw new TearlineError('E_INTEGRITY', `first bad index ${report.firstBadIndex}: ${first.message} (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'})`);
      }
    });

  command('passwd')
    .description('change the passphrase (new one from TEARLINE_NEW_PASSPHRASE, --new-passphrase-file, or a prompt)')
    .addOption(vaultOption())
    .addOption(passphraseFileOption())
    .option('--new-passphrase-file <file>', 'read the new passphrase from this file')
    .addOption(new Option('--kdf <level>', 'also change the Argon2id cost').choices(KDF_LEVELS))
    .action(async (opts: VaultOpts & { newPassphraseFile?: string; kdf?: KdfLevel }) => {
      await withVault(opts, async (vault) => {
        const next = await readPassphrase({ env: 'TEARLINE_NEW_PASSPHRASE', file: opts.newPassphraseFile, prompt: 'New passphrase: ', confirm: true });
        await vault.changePassphrase(next, opts.kdf);
      });
      printLines(['Passphrase changed.']);
    });

  command('backup')
    .description("copy the vault to a new file with SQLite's online backup; it opens with the same passphrase")
    .addOption(vaultOption())
    .requiredOption('--out <file>', 'the backup file (must not exist)')
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (opts: VaultOpts & { out: string }) => {
      const result = await withVault(opts, (vault) => vault.backup(opts.out));
      if (opts.json) printJson(result);
      else printLines([`Backed up ${result.size} entries to ${result.path}`]);
    });

  command('keys')
    .description("this workstation's key card")
    .addOption(vaultOption())
    .option('--minisign-pub', 'print only the Ed25519 key as a minisign public key file')
    .option('--age-recipient', 'print only the X25519 key as an age recipient')
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (opts: VaultOpts & { minisignPub?: boolean; ageRecipient?: boolean }) => {
      if ([opts.minisignPub, opts.ageRecipient, opts.json].filter(Boolean).length > 1) {
        throw new TearlineError('E_USAGE', 'choose one of --minisign-pub, --age-recipient and --json');
      }
      const card = await withVault(opts, (vault) => buildKeyCard(vault));
      if (opts.minisignPub) process.stdout.write(card.minisignPublicKey);
      else if (opts.ageRecipient) printLines([card.ageRecipient]);
      else if (opts.json) printJson(card);
      else printLines(formatKeyCard(card));
    });

  command('schema')
    .description('print the JSON Schema of an entry kind (or of every kind)')
    .argument('[kind]', 'the entry kind')
    .action((kind: string | undefined) => {
      printJson(schemaDocument(kind));
    });

  registerBundleCommands(program);
  return program;
}
