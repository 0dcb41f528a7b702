/**
 * A full disk, for real: the vault lives on a tmpfs of a few megabytes, filled to the last
 * page. Every write must fail with E_DISK_FULL and leave everything as it was: the file,
 * no stray output, and, in a long-lived process, the log in memory (an audit entry
 * appended inside a transaction whose COMMIT then fails must not stay in the tree). Once
 * space is freed the same vault goes on as if nothing had happened.
 *
 * Mounting needs root (as in CI); elsewhere these tests are skipped, and say so.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportBundle, trustAdd, trustList } from '../../electron/core/bundle';
import { verifyVault } from '../../electron/core/log/integrity';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { Vault } from '../../electron/core/vault/vault';
import { OPENED } from '../helpers/bodies';
import { tearline } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const PASS = 'correct horse battery staple';
const outside = tempDir();

/** A tmpfs of `size` at a new folder, or undefined where this process may not mount. */
function smallDisk(size: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'tearline-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  afterAll(() => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Fills the disk holding `dir` to its last page; returns the filler, to be removed to free it. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 16, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

async function codeOf(work: () => unknown): Promise<string | undefined> {
  try {
    await work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

const opened = (n: number) => ({ kind: 'case.opened', body: { ...OPENED, summary: `Threat ${n}: ${'s'.repeat(1500)}` } });

const disk = smallDisk('4m');

describe.skipIf(disk === undefined)('a full disk (tmpfs; needs root)', () => {
  it('refuses every write of the core with E_DISK_FULL, and the vault goes on unchanged, on disk and in memory', async () => {
    const dir = path.join(disk!, 'core');
    execFileSync('mkdir', [dir]);
    const peer = await Vault.create(path.join(outside, 'peer.tearline'), PASS, { name: 'Station South', kdf: 'interactive' });
    const card = JSON.stringify(buildKeyCard(peer));
    peer.close();

    const vault = await Vault.create(path.join(dir, 'v.tearline'), PASS, { name: 'Station North', kdf: 'interactive' });
    vault.append([opened(0)]);
    const size = vault.size;
    const root = vault.root(size);
    const filler = fill(disk!);

    expect(await codeOf(() => vault.append(Array.from({ length: 200 }, (_, i) => opened(i + 1))))).toBe('E_DISK_FULL');
    expect(await codeOf(() => vault.append([opened(1)]))).toBe('E_DISK_FULL');
    // Small transactions: their pages are written at the COMMIT, after the audit entry is in memory.
    expect(await codeOf(() => trustAdd(vault, { name: 'Station South', card }))).toBe('E_DISK_FULL');
    expect(await codeOf(() => vault.changePassphrase('a new passphrase for the vault'))).toBe('E_DISK_FULL');
    expect(await codeOf(() => exportBundle(vault, { out: path.join(dir, 'out.bundle'), selection: { all: true } }))).toBe('E_DISK_FULL');
    expect(await codeOf(() => vault.backup(path.join(dir, 'copy.tearline')))).toBe('E_DISK_FULL');
    expect(vault.size).toBe(size);
    expect(vault.root(size)).toEqual(root);
    // No half-written bundle, signature or backup is left behind.
    expect(readdirSync(dir).filter((f) => !f.startsWith('v.tearline'))).toEqual([]);

    rmSync(filler);
    expect(trustList(vault).keys).toEqual([]);
    const [next] = vault.append([opened(1)]);
    expect(next!.index).toBe(size);
    expect(verifyVault(vault).ok).toBe(true);
    vault.close();

    // The file agrees: the old passphrase opens it, the one that was refused does not.
    expect(await codeOf(() => Vault.open(path.join(dir, 'v.tearline'), 'a new passphrase for the vault'))).toBe('E_BAD_PASSPHRASE');
    const again = await Vault.open(path.join(dir, 'v.tearline'), PASS);
    expect(again.size).toBe(size + 1);
    expect(verifyVault(again).ok).toBe(true);
    again.close();
  });

  it('gives one E_DISK_FULL line and exit status 4 for every command that writes', async () => {
    const dir = path.join(disk!, 'cli');
    execFileSync('mkdir', [dir]);
    const env = { TEARLINE_PASSPHRASE: PASS, TEARLINE_NEW_PASSPHRASE: 'a new passphrase for the vault' };
    const run = (args: string[]) => tearline(args, { env });
    const vault = path.join(dir, 'v.tearline');
    const peer = path.join(outside, 'cli-peer.tearline');
    const caseFile = path.join(outside, 'case.json');
    writeFileSync(caseFile, JSON.stringify(OPENED));
    const many = path.join(outside, 'many.ndjson');
    writeFileSync(many, Array.from({ length: 200 }, (_, i) => JSON.stringify(opened(i).body)).join('\n'));

    expect((await run(['init', '--vault', vault, '--kdf', 'interactive'])).code).toBe(0);
    expect((await run(['init', '--vault', peer, '--kdf', 'interactive'])).code).toBe(0);
    expect((await run(['add', '--vault', peer, '--kind', 'case.opened', '--file', many])).code).toBe(0);
    const peerKey = path.join(outside, 'peer.pub');
    writeFileSync(peerKey, (await run(['keys', '--vault', peer, '--minisign-pub'])).stdout);
    const other = path.join(outside, 'cli-other.tearline');
    expect((await run(['init', '--vault', other, '--kdf', 'interactive'])).code).toBe(0);
    const otherKey = path.join(outside, 'other.pub');
    writeFileSync(otherKey, (await run(['keys', '--vault', other, '--minisign-pub'])).stdout);
    expect((await run(['trust', 'add', '--vault', vault, '--name', 'Peer', '--minisign-pub', peerKey])).code).toBe(0);
    const bundle = path.join(outside, 'peer.bundle');
    expect((await run(['export', '--vault', peer, '--all', '--out', bundle])).code).toBe(0);
    const before = (await run(['verify', '--vault', vault, '--json'])).stdout;

    const filler = fill(disk!);
    const refused: [string, string[]][] = [
      ['add', ['add', '--vault', vault, '--kind', 'case.opened', '--file', caseFile]],
      ['add NDJSON', ['add', '--vault', vault, '--kind', 'case.opened', '--file', many]],
      ['import', ['import', '--vault', vault, bundle, '--yes']],
      ['trust add', ['trust', 'add', '--vault', vault, '--name', 'Other', '--minisign-pub', otherKey]],
      ['trust revoke', ['trust', 'revoke', '--vault', vault, 'Peer']],
      ['passwd', ['passwd', '--vault', vault]],
      ['export', ['export', '--vault', vault, '--all', '--out', path.join(dir, 'out.bundle')]],
      ['backup', ['backup', '--vault', vault, '--out', path.join(dir, 'copy.tearline')]],
      ['init', ['init', '--vault', path.join(dir, 'w.tearline'), '--kdf', 'interactive']],
    ];
    for (const [name, args] of refused) {
      const result = await run(args);
      expect({ name, code: result.code, stderr: result.stderr }).toEqual({ name, code: 4, stderr: expect.stringMatching(/^E_DISK_FULL: [^\n]+\n$/) });
    }
    expect(readdirSync(dir).filter((f) => !f.startsWith('v.tearline'))).toEqual([]);

    rmSync(filler);
    // Nothing changed: the same log, the same trust list, the same passphrase.
    expect((await run(['verify', '--vault', vault, '--json'])).stdout).toBe(before);
    expect(JSON.parse((await run(['trust', 'list', '--vault', vault, '--json'])).stdout)).toMatchObject({ keys: [{ name: 'Peer', revoked: null }], forks: [] });
    const imported = await run(['import', '--vault', vault, bundle, '--yes']);
    expect(imported.code).toBe(0);
    expect((await run(['verify', '--vault', vault])).code).toBe(0);
  });
});
