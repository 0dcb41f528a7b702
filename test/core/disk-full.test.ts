/**
 * A full disk, for real: the vault lives on a tmpfs of a few megabytes, filled to the last
 * page, its WAL emptied first (a small write that fits in WAL space already allocated
 * would rightly succeed). Every write must fail with E_DISK_FULL and leave everything as it was: the file,
 * no stray output, and, in a long-lived process, the log in memory (an audit entry
 * appended inside a transaction whose COMMIT then fails must not stay in the tree). Once
 * space is freed the same vault goes on as if nothing had happened.
 *
 * Mounting needs root: elsewhere these tests are skipped, and say so; in CI (CI set) a
 * disk that cannot be mounted fails the file instead.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportBundle, importBundle, listImported, trustAdd, trustList, trustRevoke } from '../../electron/core/bundle';
import { writeFileWhole } from '../../electron/core/files/whole-file';
import { verifyVault } from '../../electron/core/log/integrity';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { Vault } from '../../electron/core/vault/vault';
import { OPENED } from '../helpers/bodies';
import { tearline } from '../helpers/cli';
import { codeOf } from '../helpers/codes';
import { tempDir } from '../helpers/tmp';
import { trust } from '../bundle/fixtures';

const PASS = 'correct horse battery staple';
const outside = tempDir();

/** A tmpfs of `size` at a new folder, or undefined where this process may not mount. */
function smallDisk(size: string): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'tearline-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    if (process.env.CI) throw new Error(`CI must be able to mount a small tmpfs (as root): ${String(error)}`, { cause: error });
    return undefined;
  }
  afterAll(() => {
    // Lazily if a failed test left a file open on it: never leave the mount behind.
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Fills the disk holding `dir` to its last page, runs `work`, then frees the disk again. */
async function whileFull(dir: string, work: () => Promise<void>): Promise<void> {
  const filler = fill(dir);
  try {
    await work();
  } finally {
    rmSync(filler, { force: true });
  }
}

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


const opened = (n: number) => ({ kind: 'case.opened', body: { ...OPENED, summary: `Threat ${n}: ${'s'.repeat(1500)}` } });

const disk = smallDisk('4m');

describe.skipIf(disk === undefined)('a full disk (tmpfs; needs root)', () => {
  it('refuses every write of the core with E_DISK_FULL, and the vault goes on unchanged, on disk and in memory', async () => {
    const dir = path.join(disk!, 'core');
    mkdirSync(dir);
    const peer = await Vault.create(path.join(outside, 'peer.tearline'), PASS, { name: 'Station South', kdf: 'interactive' });
    const west = await Vault.create(path.join(outside, 'west.tearline'), PASS, { name: 'Station West', kdf: 'interactive' });
    const card = JSON.stringify(buildKeyCard(west));
    west.close();
    const vault = await Vault.create(path.join(dir, 'v.tearline'), PASS, { name: 'Station North', kdf: 'interactive' });
    try {
      trust(vault, peer);
      peer.append([opened(100)]);
      const bundle = path.join(outside, 'from-peer.bundle');
      await exportBundle(peer, { out: bundle, selection: { all: true } });
      vault.append([opened(0)]);
      const size = vault.size;
      const root = vault.root(size);
      // Once copied into the database, the WAL's space is used again: a small write that
      // fits in it needs no new space, and succeeds on a full disk. Emptied, every write needs some.
      vault.database().pragma('wal_checkpoint(TRUNCATE)');
      await whileFull(disk!, async () => {
        expect(await codeOf(() => vault.append(Array.from({ length: 200 }, (_, i) => opened(i + 1))))).toBe('E_DISK_FULL');
        expect(await codeOf(() => vault.append([opened(1)]))).toBe('E_DISK_FULL');
        // Small transactions: their pages reach the WAL at the COMMIT, after the audit entry is in memory.
        expect(await codeOf(() => trustAdd(vault, { name: 'Station West', card }))).toBe('E_DISK_FULL');
        expect(await codeOf(() => trustRevoke(vault, 'Station South'))).toBe('E_DISK_FULL');
        expect(await codeOf(() => vault.changePassphrase('a new passphrase for the vault'))).toBe('E_DISK_FULL');
        expect(await codeOf(() => importBundle(vault, bundle, { accept: true }))).toBe('E_DISK_FULL');
        // Output on the full disk fails as it is written; output elsewhere is written, and
        // then the vault cannot record it: the file is removed, not left unrecorded.
        expect(await codeOf(() => exportBundle(vault, { out: path.join(dir, 'out.bundle'), selection: { all: true } }))).toBe('E_DISK_FULL');
        expect(await codeOf(() => exportBundle(vault, { out: path.join(outside, 'out.bundle'), selection: { all: true } }))).toBe('E_DISK_FULL');
        expect(await codeOf(() => vault.backup(path.join(dir, 'copy.tearline')))).toBe('E_DISK_FULL');
        expect(await codeOf(() => vault.backup(path.join(outside, 'copy.tearline')))).toBe('E_DISK_FULL');
        expect(vault.size).toBe(size);
        expect(vault.root(size)).toEqual(root);
        expect(vault.isOpen).toBe(true);
        expect(readdirSync(dir).filter((f) => !f.startsWith('v.tearline'))).toEqual([]);
        expect(readdirSync(outside).filter((f) => f.startsWith('out.bundle') || f.startsWith('copy.tearline'))).toEqual([]);
      });

      expect(trustList(vault).keys.map((k) => [k.name, k.revoked])).toEqual([['Station South', null]]);
      expect(listImported(vault)).toEqual([]);
      const [next] = vault.append([opened(1)]);
      expect(next!.index).toBe(size);
      expect((await importBundle(vault, bundle, { accept: true })).newEntries).toBe(2);
      expect(verifyVault(vault).ok).toBe(true);
      const grown = vault.size;
      vault.close();

      // The file agrees: the old passphrase opens it, the one that was refused does not.
      expect(await codeOf(() => Vault.open(path.join(dir, 'v.tearline'), 'a new passphrase for the vault'))).toBe('E_BAD_PASSPHRASE');
      const again = await Vault.open(path.join(dir, 'v.tearline'), PASS);
      expect(again.size).toBe(grown);
      expect(verifyVault(again).ok).toBe(true);
      again.close();
    } finally {
      if (vault.isOpen) vault.close();
      peer.close();
    }
  });

  it('writes a small file whole or not at all (key cards, drafts, settings)', async () => {
    const target = path.join(disk!, 'settings.json');
    writeFileWhole(target, '{"old":true}\n', { mode: 0o600, context: 'the settings were not saved' });
    await whileFull(disk!, async () => {
      const error = await codeOf(() => writeFileWhole(target, `{"new":"${'x'.repeat(64 * 1024)}"}\n`, { mode: 0o600, context: 'the settings were not saved' }));
      expect(error).toBe('E_DISK_FULL');
    });
    expect(readFileSync(target, 'utf8')).toBe('{"old":true}\n');
    expect(readdirSync(disk!).filter((f) => f.startsWith('settings.json'))).toEqual(['settings.json']);
  });

  it('gives one E_DISK_FULL line and exit status 4 for every command that writes', async () => {
    const dir = path.join(disk!, 'cli');
    mkdirSync(dir);
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

    await whileFull(disk!, async () => {
      const refused: [string, string[]][] = [
        ['add', ['add', '--vault', vault, '--kind', 'case.opened', '--file', caseFile]],
        ['add NDJSON', ['add', '--vault', vault, '--kind', 'case.opened', '--file', many]],
        ['import', ['import', '--vault', vault, bundle, '--yes']],
        ['trust add', ['trust', 'add', '--vault', vault, '--name', 'Other', '--minisign-pub', otherKey]],
        ['trust revoke', ['trust', 'revoke', '--vault', vault, 'Peer']],
        ['passwd', ['passwd', '--vault', vault]],
        ['export here', ['export', '--vault', vault, '--all', '--out', path.join(dir, 'out.bundle')]],
        ['export elsewhere', ['export', '--vault', vault, '--all', '--out', path.join(outside, 'cli-out.bundle')]],
        ['backup here', ['backup', '--vault', vault, '--out', path.join(dir, 'copy.tearline')]],
        ['backup elsewhere', ['backup', '--vault', vault, '--out', path.join(outside, 'cli-copy.tearline')]],
        ['init', ['init', '--vault', path.join(dir, 'w.tearline'), '--kdf', 'interactive']],
      ];
      for (const [name, args] of refused) {
        const result = await run(args);
        expect({ name, code: result.code, stderr: result.stderr }).toEqual({ name, code: 4, stderr: expect.stringMatching(/^E_DISK_FULL: [^\n]+\n$/) });
      }
      expect(readdirSync(dir).filter((f) => !f.startsWith('v.tearline'))).toEqual([]);
      expect(readdirSync(outside).filter((f) => f.startsWith('cli-out.bundle') || f.startsWith('cli-copy.tearline'))).toEqual([]);
    });

    // Nothing changed: the same log, the same trust list, the same passphrase.
    expect((await run(['verify', '--vault', vault, '--json'])).stdout).toBe(before);
    expect(JSON.parse((await run(['trust', 'list', '--vault', vault, '--json'])).stdout)).toMatchObject({ keys: [{ name: 'Peer', revoked: null }], forks: [] });
    const imported = await run(['import', '--vault', vault, bundle, '--yes']);
    expect(imported.code).toBe(0);
    expect((await run(['verify', '--vault', vault])).code).toBe(0);
  });
});
