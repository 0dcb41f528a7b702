/**
 * Interoperability with the stock tools, for real: Debian's `minisign` verifies what
 * `tearline export` signs and signs what we verify; `age` decrypts what we encrypt and
 * encrypts what we import. Everything on our side goes through the built command.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VerdictSchema } from '../../shared/bundle/verdict';
import { exampleBody } from '../../shared/domain';
import { Vault } from '../../electron/core/vault/vault';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { trustAdd } from '../../electron/core/bundle';
import { tearline } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { PASS } from './fixtures';

const dir = tempDir('tearline-interop-');
const at = (name: string) => path.join(dir, name);
const env = { TEARLINE_PASSPHRASE: PASS };

function run(cmd: string, args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: input ?? '', cwd: dir });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function ok(args: string[]): Promise<string> {
  const r = await tearline(args, { env });
  expect(r.stderr, `tearline ${args.join(' ')}`).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

const sender = at('sender.tearline');
const receiver = at('receiver.tearline');
const bystander = at('bystander.tearline');

beforeAll(async () => {
  // Set-up through the core; what is under test goes through the command and the stock tools.
  const made = await Promise.all(
    ([
      [sender, 'Sender'],
      [receiver, 'Receiver'],
      [bystander, 'Bystander'],
    ] as const).map(([file, name]) => Vault.create(file, PASS, { name, kdf: 'interactive' })),
  );
  const [s, r, b] = made as [Vault, Vault, Vault];
  s.append([{ kind: 'case.opened', body: exampleBody('case.opened') }]);
  const card = buildKeyCard(s);
  writeFileSync(at('sender.pub'), card.minisignPublicKey);
  trustAdd(r, { name: 'Sender', card });
  writeFileSync(at('receiver.age'), buildKeyCard(r).ageRecipient + '\n');
  for (const v of [s, r, b]) v.close();
  expect(run('age-keygen', ['-o', at('age-identity.txt')]).code).toBe(0);
  expect(run('minisign', ['-G', '-W', '-p', at('stock.pub'), '-s', at('stock.key')]).code).toBe(0);
}, 120_000);

describe('minisign', () => {
  it('stock minisign -V accepts what tearline export signs, and shows the trusted comment', async () => {
    await ok(['export', '--vault', sender, '--out', at('plain.bundle'), '--all']);
    const r = run('minisign', ['-V', '-m', at('plain.bundle'), '-x', at('plain.bundle.minisig'), '-p', at('sender.pub')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Signature and comment signature verified/);
    expect(r.stdout).toMatch(/Trusted comment: tearline bundle v1 id=[0-9a-f-]{36} origin=tearline\/[0-9a-f-]{36} size=\d+ root=[0-9a-f]{64}/);
    // and refuses the bundle once a byte has changed
    const bytes = readFileSync(at('plain.bundle'));
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 1;
    writeFileSync(at('changed.bundle'), bytes);
    expect(run('minisign', ['-V', '-m', at('changed.bundle'), '-x', at('plain.bundle.minisig'), '-p', at('sender.pub')]).code).not.toBe(0);
  });

  it('a signature and a key whose lines went through Windows (CR LF) are read by both, as the same', async () => {
    await ok(['export', '--vault', sender, '--out', at('crlf.bundle'), '--all']);
    const crlf = (file: string) => writeFileSync(at(`crlf-${file}`), readFileSync(at(file), 'utf8').replace(/\n/g, '\r\n'));
    crlf('crlf.bundle.minisig');
    crlf('sender.pub');
    expect(run('minisign', ['-V', '-m', at('crlf.bundle'), '-x', at('crlf-crlf.bundle.minisig'), '-p', at('crlf-sender.pub')]).code).toBe(0);
    const ours = await tearline(['verify-bundle', at('crlf.bundle'), '--trust', at('crlf-sender.pub'), '--sig', at('crlf-crlf.bundle.minisig'), '--json'], { env });
    expect(ours.stderr).toBe('');
    expect(VerdictSchema.parse(JSON.parse(ours.stdout))).toMatchObject({ valid: true, signature: 'valid' });
  });

  it('tearline verifies a bundle signed by stock minisign -S with a key it trusts', async () => {
    const comment = readFileSync(at('plain.bundle.minisig'), 'utf8').split('\n')[2]!.replace('trusted comment: ', '');
    const r = run('minisign', ['-S', '-s', at('stock.key'), '-m', at('plain.bundle'), '-x', at('stock.minisig'), '-t', comment]);
    expect(r.code).toBe(0);
    expect(readFileSync(at('stock.minisig'), 'utf8').split('\n')[1]!.startsWith('RU')).toBe(true); // "ED": prehashed
    const given = await tearline(['verify-bundle', at('plain.bundle'), '--trust', at('stock.pub'), '--sig', at('stock.minisig'), '--json'], { env });
    expect(given.code).toBe(0);
    expect(VerdictSchema.parse(JSON.parse(given.stdout))).toMatchObject({ valid: true, signature: 'valid' });

    await ok(['trust', 'add', '--vault', bystander, '--name', 'Stock key', '--minisign-pub', at('stock.pub')]);
    const imported = await tearline(['import', '--vault', bystander, at('plain.bundle'), '--sig', at('stock.minisig'), '--yes', '--json'], { env });
    expect(imported.stderr).toBe('');
    const result = JSON.parse(imported.stdout) as { changed: boolean; verdict: { signer: { name: string } } };
    expect(result.changed).toBe(true);
    expect(result.verdict.signer.name).toBe('Stock key');
    // With our own workstation's key, the stock signature is someone else's.
    const wrongKey = await tearline(['verify-bundle', at('plain.bundle'), '--trust', at('sender.pub'), '--sig', at('stock.minisig')], { env });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^E_UNTRUSTED_SIGNER: /);
  });

  it('refuses a legacy (unhashed) minisign signature', async () => {
    const comment = readFileSync(at('plain.bundle.minisig'), 'utf8').split('\n')[2]!.replace('trusted comment: ', '');
    expect(run('minisign', ['-S', '-l', '-s', at('stock.key'), '-m', at('plain.bundle'), '-x', at('legacy.minisig'), '-t', comment]).code).toBe(0);
    const r = await tearline(['verify-bundle', at('plain.bundle'), '--trust', at('stock.pub'), '--sig', at('legacy.minisig')], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^E_BAD_SIGNATURE: .*legacy/);
  });
});

describe('age', () => {
  it('stock age -d decrypts what tearline export --to encrypts, and the result verifies', async () => {
    const recipient = readFileSync(at('age-identity.txt'), 'utf8').match(/age1[0-9a-z]+/)![0];
    await ok(['export', '--vault', sender, '--out', at('for-age.age'), '--all', '--to', recipient]);
    const d = run('age', ['-d', '-i', at('age-identity.txt'), '-o', at('decrypted.bundle'), at('for-age.age')]);
    expect(d.stderr).toBe('');
    expect(d.code).toBe(0);
    const verdict = await tearline(['verify-bundle', at('decrypted.bundle'), '--trust', at('sender.pub'), '--json'], { env });
    expect(verdict.code).toBe(0);
    expect(JSON.parse(verdict.stdout)).toMatchObject({ valid: true, form: 'single-file', encrypted: false });
    // Our own decryption, with the same identity file.
    const ours = await tearline(['verify-bundle', at('for-age.age'), '--trust', at('sender.pub'), '--identity', at('age-identity.txt'), '--json'], { env });
    expect(ours.code).toBe(0);
    expect(JSON.parse(ours.stdout)).toMatchObject({ valid: true, form: 'age', encrypted: true });
    // Armored age too.
    await ok(['export', '--vault', sender, '--out', at('for-age.txt'), '--all', '--to', recipient, '--armor']);
    expect(readFileSync(at('for-age.txt'), 'utf8').startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(run('age', ['-d', '-i', at('age-identity.txt'), '-o', at('decrypted2.bundle'), at('for-age.txt')]).code).toBe(0);
    expect((await tearline(['verify-bundle', at('decrypted2.bundle'), '--trust', at('sender.pub')], { env })).code).toBe(0);
  });

  it('tearline import reads a single-file bundle that stock age -r encrypted to the vault', async () => {
    const recipient = readFileSync(at('receiver.age'), 'utf8').trim();
    await ok(['export', '--vault', sender, '--out', at('single.bundle'), '--all', '--single-file']);
    expect(run('age', ['-r', recipient, '-o', at('by-stock.age'), at('single.bundle')]).code).toBe(0);
    expect(run('age', ['-a', '-r', recipient, '-o', at('by-stock.txt'), at('single.bundle')]).code).toBe(0);
    const preview = await tearline(['import', '--vault', receiver, at('by-stock.age')], { env });
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/Verdict +VALID/);
    expect(preview.stdout).toMatch(/Nothing was stored/);
    const r = await tearline(['import', '--vault', receiver, at('by-stock.txt'), '--yes', '--json'], { env });
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout) as { changed: boolean; newEntries: number; verdict: { form: string; encrypted: boolean } };
    expect(result).toMatchObject({ changed: true, verdict: { form: 'age-armored', encrypted: true } });
    expect(result.newEntries).toBeGreaterThan(0);
    // Not for the bystander.
    const other = await tearline(['verify-bundle', at('by-stock.age'), '--vault', bystander], { env });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^E_NOT_FOR_US: /);
  });
});
