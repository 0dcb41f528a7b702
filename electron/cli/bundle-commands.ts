/**
 * The bundle and keyring commands: `trust add|list|revoke`, `export`, `verify-bundle`,
 * `import`. Thin: each parses its options and calls the core (electron/core/bundle).
 * A verdict that is not valid is printed in full, then reported as the one-line error
 * of its first problem, with exit status 1: the bundle failed verification, whatever the
 * problem (BRIEF section 5).
 */
import { Command, Option } from 'commander';
import { TearlineError } from '../../shared/errors';
import { formatFingerprint } from '../../shared/keys/fingerprint';
import type { Verdict } from '../../shared/bundle/verdict';
import {
  exportBundle,
  importBundle,
  inspectBundle,
  trustAdd,
  trustList,
  trustRevoke,
  type BundleProgress,
  type ExportResult,
  type ImportResult,
  type TrustListing,
  type TrustedKey,
} from '../core/bundle';
import { parseAgeIdentityFile } from '../core/formats/age';
import { jsonOption, passphraseFileOption, vaultOption, wholeNumber, withVault, type VaultOpts } from './vault-options';
import { printJson, printLines, readInput } from './io';

const maxSizeOption = () => new Option('--max-size <bytes>', 'refuse bundles larger than this (bytes, or with K, M, G); default 256M').argParser(parseSize);

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

function collectWhole(name: string) {
  const parse = wholeNumber(name);
  return (value: string, previous: number[] = []): number[] => [...previous, parse(value)];
}

export function parseSize(value: string): number {
  const m = /^(\d{1,15})([kKmMgG]?)$/.exec(value.trim());
  if (!m) throw new TearlineError('E_USAGE', '--max-size must be a number of bytes, optionally with K, M or G');
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const bytes = Number(m[1]) * unit;
  if (!Number.isSafeInteger(bytes)) throw new TearlineError('E_USAGE', '--max-size is too large');
  if (bytes === 0) throw new TearlineError('E_USAGE', '--max-size must be at least one byte');
  return bytes;
}

/** A progress line on a terminal's stderr; nothing when stderr is not a terminal. */
function progressPrinter(): { onProgress?: BundleProgress; done(): void } {
  if (!process.stderr.isTTY) return { done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    onProgress: (done, total, phase) => {
      const now = Date.now();
      if (now - last < 200 && done < total) return;
      last = now;
      shown = true;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      process.stderr.write(`\r${phase.padEnd(8)} ${String(pct).padStart(3)}%`);
    },
    done: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

function readText(file: string): string {
  return readInput(file);
}

// ---------------------------------------------------------------------------------------
// Text output

function fp(hex: string | null): string {
  return hex ? formatFingerprint(hex) : 'unknown';
}

export function formatVerdict(v: Verdict): string[] {
  const lines: string[] = [];
  const encrypted = v.encrypted ? ', encrypted' : '';
  lines.push(`Bundle      ${v.bundleId ?? '(unread)'}  (${v.form ?? 'unknown form'}${encrypted}, ${v.bytes} bytes)`);
  if (v.sender) lines.push(`Sender      ${v.sender} (as it names itself)`);
  lines.push(`Signature   ${v.signature}${v.signer.keyId ? `  (minisign key id ${v.signer.keyId})` : ''}`);
  const status = v.signer.status === 'trusted' ? 'TRUSTED' : v.signer.status === 'revoked' ? 'REVOKED' : 'UNKNOWN';
  // Until the signature holds, the key id only says whose signature the bundle claims.
  const signer = `${v.signer.name ?? (v.signer.fingerprint ? 'the key given' : '-')}  [${status}${v.signer.forked ? ', FORK SEEN' : ''}]  fingerprint ${fp(v.signer.fingerprint)}`;
  lines.push(v.signature === 'valid' ? `Signer      ${signer}` : `Signer      not established${v.signer.fingerprint ? ` (claims to be ${signer})` : ''}`);
  if (v.trustedComment) lines.push(`Comment     ${v.trustedComment}`);
  if (v.checkpoint) lines.push(`Checkpoint  ${v.checkpoint.origin}  size ${v.checkpoint.size}  root ${v.checkpoint.root}`);
  const relation: Record<string, string> = {
    'first-contact': 'first bundle from this log',
    extends: `extends the checkpoint held (size ${v.held?.size})`,
    'already-known': 'the checkpoint held already',
    fork: `FORK: contradicts the checkpoint held (size ${v.held?.size})`,
    rollback: `ROLLBACK: older than the checkpoint held (size ${v.held?.size})`,
    unproven: `not proven to extend the checkpoint held (size ${v.held?.size})`,
    'not-checked': v.signature === 'valid' && v.checkpoint ? 'not checked (no vault)' : 'not checked (the bundle did not verify that far)',
  };
  lines.push(`Relation    ${relation[v.relation]}`);
  const e = v.entries;
  const kinds = Object.entries(e.kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const fresh = e.new !== null ? `, ${e.new} new${e.moreFields ? `, ${e.moreFields} with more fields` : ''}` : '';
  lines.push(`Entries     ${e.count}${fresh}${kinds ? `: ${kinds}` : ''}`);
  if (e.cases.length > 0) lines.push(`Cases       ${e.cases.length}: ${e.cases.slice(0, 5).join(', ')}${e.cases.length > 5 ? ', ...' : ''}`);
  const withheld = Object.entries(e.withheld);
  if (withheld.length > 0) lines.push(`Withheld    ${withheld.map(([f, n]) => `${f} (${n})`).join(', ')}`);
  for (const w of v.warnings) lines.push(`Warning     ${w}`);
  lines.push(`Verdict     ${v.valid ? 'VALID' : `INVALID (${v.problemCount} problem${v.problemCount === 1 ? '' : 's'})`}`);
  for (const p of v.problems) lines.push(`  ${p.code}  ${p.message}`);
  if (v.problemCount > v.problems.length) lines.push(`  ... and ${v.problemCount - v.problems.length} more`);
  if (v.preview.length > 0) {
    lines.push('Preview');
    for (const p of v.preview) {
      const tag = p.status === 'known' ? '  (held)' : p.status === 'more-fields' ? '  (held; more fields)' : '';
      const held = p.withheld.length > 0 ? `  [withheld: ${p.withheld.join(', ')}]` : '';
      lines.push(`  #${p.index}  ${p.ts}  ${p.kind.padEnd(14)} ${p.summary}${held}${tag}`);
    }
    if (e.count > v.preview.length) lines.push(`  ... ${e.count - v.preview.length} more`);
  }
  return lines;
}

function failIfInvalid(v: Verdict): void {
  if (v.valid) return;
  const first = v.problems[0];
  if (!first) throw new TearlineError('E_MALFORMED', 'the bundle did not verify', { exit: 1 });
  const more = v.problemCount > 1 ? ` (and ${v.problemCount - 1} more problem${v.problemCount > 2 ? 's' : ''})` : '';
  throw new TearlineError(first.code, first.message + more, first.at === undefined ? { exit: 1 } : { at: first.at, exit: 1 });
}

function formatTrustedKey(k: TrustedKey): string[] {
  return [
    `${k.name}  [${k.status.toUpperCase()}]`,
    `  fingerprint  ${formatFingerprint(k.fingerprint)}`,
    `  key id       ${k.minisignKeyId} (minisign)`,
    ...(k.ageRecipient ? [`  age          ${k.ageRecipient}`] : []),
    `  log          ${k.origin ?? '(bound at the first import)'}`,
    ...(k.revoked ? [`  revoked      ${k.revoked.at}: ${k.revoked.reason}`] : []),
  ];
}

function formatTrustList(listing: TrustListing): string[] {
  const lines: string[] = [];
  if (listing.keys.length === 0) lines.push('No trusted keys. Add one with `tearline trust add --name NAME --card FILE`.');
  for (const k of listing.keys) {
    lines.push(...formatTrustedKey(k));
    lines.push(`  added        ${k.addedAt}`);
    for (const log of k.logs) lines.push(`  held         ${log.origin} size ${log.size} root ${log.root} (${log.checkpoints} checkpoint${log.checkpoints === 1 ? '' : 's'})`);
    if (k.forked) lines.push('  FORK         this key has signed two inconsistent histories (evidence below)');
  }
  for (const f of listing.forks) {
    lines.push(`Fork evidence: ${f.name ?? f.fingerprint} on ${f.origin}, detected ${f.detectedAt}`);
    for (const [label, cp] of [
      ['held     ', f.held],
      ['presented', f.presented],
    ] as const) {
      lines.push(`  ${label} size ${cp.size} root ${cp.root} bundle ${cp.bundleId}`);
      lines.push(`            trusted comment: ${cp.trustedComment}`);
      lines.push(`            signature ${cp.signature}`);
      lines.push(`            global signature ${cp.globalSignature}`);
    }
    if (f.proof) lines.push(`  proof: the presented log had root ${f.proof.fromRoot} at size ${f.proof.fromSize}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------
// Commands

export function registerBundleCommands(program: Command): void {
  const quiet = (c: Command): Command => c.exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });

  const trust = quiet(program.command('trust').description('the workstations whose bundles this vault trusts'));

  quiet(trust.command('add'))
    .description('trust a workstation from its key card (`tearline keys --json`) or a minisign public key')
    .addOption(vaultOption())
    .requiredOption('--name <name>', 'the name to know it by')
    .option('--card <file>', 'its key card (JSON), or - for standard input')
    .option('--minisign-pub <file>', 'its minisign public key file')
    .option('--age-recipient <recipient>', 'with --minisign-pub: its age1... recipient, to encrypt bundles to it')
    .option('--verified-by <officer>', 'who compared the fingerprint with its owner')
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (opts: VaultOpts & { name: string; card?: string; minisignPub?: string; ageRecipient?: string; verifiedBy?: string }) => {
      if ((opts.card === undefined) === (opts.minisignPub === undefined)) {
        throw new TearlineError('E_USAGE', 'give exactly one of --card FILE and --minisign-pub FILE');
      }
      const card = opts.card !== undefined ? readText(opts.card) : undefined;
      const minisignPublicKey = opts.minisignPub !== undefined ? readText(opts.minisignPub) : undefined;
      const key = await withVault(opts, (vault) =>
        trustAdd(vault, {
          name: opts.name,
          ...(card !== undefined ? { card } : {}),
          ...(minisignPublicKey !== undefined ? { minisignPublicKey } : {}),
          ...(opts.ageRecipient !== undefined ? { ageRecipient: opts.ageRecipient } : {}),
          ...(opts.verifiedBy !== undefined ? { verifiedBy: opts.verifiedBy } : {}),
        }),
      );
      if (opts.json) printJson(key);
      else printLines(['Trusted:', ...formatTrustedKey(key)]);
    });

  quiet(trust.command('list'))
    .description('the trusted and revoked keys, the checkpoints held from each, and any fork evidence')
    .addOption(vaultOption())
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (opts: VaultOpts) => {
      const listing = await withVault(opts, (vault) => trustList(vault));
      if (opts.json) printJson(listing);
      else printLines(formatTrustList(listing));
    });

  quiet(trust.command('revoke'))
    .description('revoke a trusted key (by name or fingerprint): its bundles are refused from now on')
    .argument('<nameOrFingerprint>', 'the name or the fingerprint of the key')
    .addOption(vaultOption())
    .option('--reason <text>', 'why it is revoked (kept in the log)')
    .option('--revoked-by <officer>', 'who revokes it')
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (who: string, opts: VaultOpts & { reason?: string; revokedBy?: string }) => {
      const key = await withVault(opts, (vault) =>
        trustRevoke(vault, who, { ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.revokedBy ? { revokedBy: opts.revokedBy } : {}) }),
      );
      if (opts.json) printJson(key);
      else printLines(['Revoked:', ...formatTrustedKey(key)]);
    });

  quiet(program.command('export'))
    .description('write a signed bundle of entries: FILE and FILE.minisig, or one file (--single-file, --armor, --to)')
    .addOption(vaultOption())
    .requiredOption('--out <file>', 'the bundle file to write (must not exist)')
    .option('--all', 'every entry of the log')
    .option('--case <id>', 'every entry of this case (repeatable)', collect)
    .option('--ids <ids>', 'these entries (comma-separated ids)', commaList)
    .option('--since <index>', 'only entries from this log index on', wholeNumber('--since'))
    .option('--to <recipient>', 'encrypt to this age1... recipient or trusted workstation (repeatable)', collect)
    .option(
      '--for <workstation>',
      'meant for this trusted workstation, without encrypting (repeatable): the bundle proves it extends what was last exported to it; without --for or --to, it proves so only from the last few sizes exported to anyone (a receiver that holds an older one: --since-checkpoint)',
      collect,
    )
    .option('--armor', 'write ASCII-armored text, to paste into a cable')
    .option('--single-file', 'write the signature inside the file (the form `age` can wrap)')
    .option('--redact <fields>', 'withhold these fields too (comma-separated)', commaList)
    .option('--include-sensitive', 'disclose sensitive fields (source protection) too')
    .option('--since-checkpoint <size>', 'prove consistency from this log size too (repeatable)', collectWhole('--since-checkpoint'))
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(
      async (
        opts: VaultOpts & {
          out: string;
          all?: boolean;
          case?: string[];
          ids?: string[];
          since?: number;
          to?: string[];
          for?: string[];
          armor?: boolean;
          singleFile?: boolean;
          redact?: string[];
          includeSensitive?: boolean;
          sinceCheckpoint?: number[];
        },
      ) => {
        const progress = progressPrinter();
        let result: ExportResult;
        try {
          result = await withVault(opts, (vault) =>
            exportBundle(vault, {
              out: opts.out,
              selection: { all: opts.all, cases: opts.case, ids: opts.ids, since: opts.since },
              to: opts.to,
              for: opts.for,
              armor: opts.armor,
              singleFile: opts.singleFile,
              redact: opts.redact,
              includeSensitive: opts.includeSensitive,
              sinceCheckpoint: opts.sinceCheckpoint,
              ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
            }),
          );
        } finally {
          progress.done();
        }
        if (opts.json) {
          printJson({ ...result, bytes: undefined });
          return;
        }
        const withheld = Object.entries(result.withheld);
        printLines([
          `Exported ${result.entryCount} entr${result.entryCount === 1 ? 'y' : 'ies'} (${result.form}${result.encrypted ? `, encrypted to ${result.recipients.filter((r) => r.ageRecipient).length}` : ''})`,
          ...result.files.map((f) => `  wrote       ${f}`),
          `  bundle      ${result.bundleId}`,
          `  checkpoint  size ${result.checkpoint.size} root ${result.checkpoint.root}`,
          ...(result.consistencyFrom.length > 0 ? [`  proves      consistency from size ${result.consistencyFrom.join(', ')}`] : []),
          ...(withheld.length > 0 ? [`  withheld    ${withheld.map(([f, n]) => `${f} (${n})`).join(', ')}`] : []),
          `  trusted comment: ${result.trustedComment}`,
        ]);
      },
    );

  quiet(program.command('verify-bundle'))
    .description('verify a bundle against a vault (its keyring and what it holds) or one minisign public key; stores nothing')
    .argument('<file>', 'the bundle file (any form)')
    .option('--vault <path>', 'verify against this vault')
    .option('--trust <file>', 'verify against this minisign public key (no vault)')
    .option('--identity <file>', 'with --trust: an age identity file to decrypt an encrypted bundle')
    .option('--sig <file>', 'the detached signature (default FILE.minisig)')
    .addOption(maxSizeOption())
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (file: string, opts: Partial<VaultOpts> & { trust?: string; identity?: string; sig?: string; maxSize?: number }) => {
      if ((opts.vault === undefined) === (opts.trust === undefined)) {
        throw new TearlineError('E_USAGE', 'give exactly one of --vault PATH and --trust KEY.pub');
      }
      const source = { path: file, ...(opts.sig ? { signaturePath: opts.sig } : {}) };
      const options = opts.maxSize !== undefined ? { limits: { maxBytes: opts.maxSize } } : {};
      const progress = progressPrinter();
      let verdict: Verdict;
      try {
        if (opts.vault !== undefined) {
          verdict = await withVault(opts as VaultOpts, (vault) => inspectBundle(vault, source, { ...options, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) }));
        } else {
          const trustKey = readText(opts.trust!);
          const identities = opts.identity !== undefined ? parseAgeIdentityFile(readText(opts.identity)) : [];
          verdict = await inspectBundle({ trustKey, identities }, source, { ...options, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
        }
      } finally {
        progress.done();
      }
      if (opts.json) printJson(verdict);
      else printLines(formatVerdict(verdict));
      failIfInvalid(verdict);
    });

  quiet(program.command('import'))
    .description('verify a bundle and show it; with --yes, store its entries (one transaction)')
    .argument('<file>', 'the bundle file (any form)')
    .addOption(vaultOption())
    .option('--yes', 'store the bundle once it verifies')
    .option('--sig <file>', 'the detached signature (default FILE.minisig)')
    .option('--accepted-by <officer>', 'the officer accepting the import (kept in the log)')
    .addOption(maxSizeOption())
    .addOption(passphraseFileOption())
    .addOption(jsonOption())
    .action(async (file: string, opts: VaultOpts & { yes?: boolean; sig?: string; acceptedBy?: string; maxSize?: number }) => {
      const source = { path: file, ...(opts.sig ? { signaturePath: opts.sig } : {}) };
      const progress = progressPrinter();
      let result: ImportResult;
      try {
        result = await withVault(opts, (vault) =>
          importBundle(vault, source, {
            accept: opts.yes === true,
            ...(opts.maxSize !== undefined ? { limits: { maxBytes: opts.maxSize } } : {}),
            ...(opts.acceptedBy ? { acceptedBy: opts.acceptedBy } : {}),
            ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
          }),
        );
      } finally {
        progress.done();
      }
      const v = result.verdict;
      if (opts.json) printJson(result);
      else {
        const lines = formatVerdict(v);
        if (result.forkRecorded) lines.push('Fork evidence kept: both signed checkpoints are shown by `tearline trust list`.');
        if (v.valid && !opts.yes) lines.push('Nothing was stored. Run again with --yes to import.');
        else if (v.valid && !result.changed) lines.push('Already imported: nothing changed.');
        else if (v.valid) {
          lines.push(
            `Imported ${result.newEntries} new entr${result.newEntries === 1 ? 'y' : 'ies'}${result.updatedEntries ? ` (${result.updatedEntries} with more fields)` : ''}; recorded in the log at #${result.auditIndex}.`,
          );
        }
        printLines(lines);
      }
      failIfInvalid(v);
    });
}
