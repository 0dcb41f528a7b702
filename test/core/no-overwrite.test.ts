/**
 * What Tearline writes never replaces a file that someone else put at the same name while
 * it was writing (a vault created by another window during the key derivation, a file
 * saved by another program during a backup or an export). The name is checked at the start
 * and taken only if still free at the end; the file that appeared is left exactly as it is.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportBundle } from '../../electron/core/bundle';
import { renameNoReplace } from '../../electron/core/files/whole-file';
import { Vault } from '../../electron/core/vault/vault';
import { OPENED } from '../helpers/bodies';
import { codeOf } from '../helpers/codes';
import { tempDir } from '../helpers/tmp';

const PASS = 'correct horse battery staple';
const dir = tempDir();
const PRECIOUS = 'a file that appeared meanwhile\n';


/** The names in `dir` that start with `name` (the target and any temporary file beside it). */
const namesLike = (name: string) => readdirSync(dir).filter((f) => f.startsWith(name));

describe('never over a file that appeared meanwhile', () => {
  it('renameNoReplace takes a free name, and leaves a taken one and the temporary file alone', () => {
    const temp = path.join(dir, 'rename.tmp');
    const target = path.join(dir, 'rename.target');
    writeFileSync(temp, 'new');
    writeFileSync(target, PRECIOUS);
    expect(renameNoReplace(temp, target)).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
    expect(readFileSync(temp, 'utf8')).toBe('new');
    const free = path.join(dir, 'rename.free');
    expect(renameNoReplace(temp, free)).toBe(true);
    expect(readFileSync(free, 'utf8')).toBe('new');
    expect(existsSync(temp)).toBe(false);
  });

  it('creating a vault', async () => {
    const target = path.join(dir, 'created.tearline');
    const code = await codeOf(() =>
      Vault.create(target, PASS, {
        kdf: 'interactive',
        // After the key derivation, before the file is written.
        onProgress: (p) => {
          if (p.phase === 'kdf' && p.done === 1) writeFileSync(target, PRECIOUS);
        },
      }),
    );
    expect(code).toBe('E_VAULT_EXISTS');
    expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
    expect(namesLike('created.tearline')).toEqual(['created.tearline']);
  });

  it('a backup', async () => {
    const vault = await Vault.create(path.join(dir, 'backed-up.tearline'), PASS, { kdf: 'interactive' });
    try {
      vault.append([{ kind: 'case.opened', body: OPENED }]);
      const target = path.join(dir, 'copy.tearline');
      const size = vault.size;
      const code = await codeOf(() => vault.backup(target, () => existsSync(target) || writeFileSync(target, PRECIOUS)));
      expect(code).toBe('E_VAULT_EXISTS');
      expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
      expect(namesLike('copy.tearline')).toEqual(['copy.tearline']);
      // Not done, so not recorded.
      expect(vault.size).toBe(size);
    } finally {
      vault.close();
    }
  });

  it('an export (bundle and signature)', async () => {
    const vault = await Vault.create(path.join(dir, 'exporting.tearline'), PASS, { kdf: 'interactive' });
    try {
      vault.append([{ kind: 'case.opened', body: OPENED }]);
      const size = vault.size;
      for (const taken of ['out.bundle', 'out.bundle.minisig']) {
        const target = path.join(dir, taken);
        const code = await codeOf(() =>
          exportBundle(vault, {
            out: path.join(dir, 'out.bundle'),
            selection: { all: true },
            onProgress: () => existsSync(target) || writeFileSync(target, PRECIOUS),
          }),
        );
        expect(code).toBe('E_USAGE');
        expect(readFileSync(target, 'utf8')).toBe(PRECIOUS);
        // The other file of the pair is not left behind either, and nothing is recorded.
        expect(namesLike('out.bundle')).toEqual([taken]);
        expect(vault.size).toBe(size);
        rmSync(target);
      }
    } finally {
      vault.close();
    }
  });
});
