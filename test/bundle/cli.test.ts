/** The bundle and trust commands as a user runs them: output, one-line errors and exit codes. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VerdictSchema } from '../../shared/bundle/verdict';
import { exampleBody } from '../../shared/domain';
import { Vault } from '../../electron/core/vault/vault';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { newEntryId } from '../../electron/core/ids';
import { tearline } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { craftBundle, craftRecord } from './craft';
import { PASS } from './fixtures';

const dir = tempDir('tearline-bundle-cli-');
const at = (name: string) => path.join(dir, name);
const env = { TEARLINE_PASSPHRASE: PASS };
const north = at('north.tearline');
const south = at('south.tearline');

beforeAll(async () => {
  const n = await Vault.create(north, PASS, { name: 'North', kdf: 'interactive' });
  const s = await Vault.create(south, PASS, { name: 'South', kdf: 'interactive' });
  const [opened] = n.append([{ kind: 'case.opened', body: exampleBody('case.opened') }]);
  n.append([{ kind: 'note', body: exampleBody('note', { caseId: opened!.id }) }]);
  writeFileSync(at('north.card'), JSON.stringify(buildKeyCard(n)));
  writeFileSync(at('north.pub'), buildKeyCard(n).minisignPublicKey);
  // A bundle with a proven but invalid entry, signed with North's key.
  const author = n.workstation().edPublicKey;
  const { approvedBy: _drop, ...waiver } = exampleBody('waiver', { caseId: opened!.id }) as Record<string, unknown>;
  const bad = craftBundle({
    origin: n.origin,
    log: [craftRecord({ id: newEntryId(), kind: 'waiver', caseId: opened!.id, author, ts: '2025-03-12T09:02:00.000Z', body: waiver })],
    signer: { secretKey: n.workstation().edSecretKey },
  });
  writeFileSync(at('invalid.bundle'), bad.singleFile);
  n.close();
  s.close();
});

describe('tearline trust, export, verify-bundle, import', () => {
  it('refuses wrong usage with exit status 2', async () => {
    const neither = await tearline(['verify-bundle', at('x.bundle')], { env });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/^E_USAGE: give exactly one of --vault/);
    const nothing = await tearline(['export', '--vault', north, '--out', at('none.bundle')], { env });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^E_USAGE: choose what to export/);
  });

  it('exports, refuses an untrusted signer (exit 1), trusts, imports once, then changes nothing', async () => {
    const exported = await tearline(['export', '--vault', north, '--out', at('n1.bundle'), '--all', '--armor'], { env });
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/^Exported 3 entries \(armored\)/);
    expect(exported.stdout).toMatch(/withheld +sourceProtection \(1\), restricted \(1\)/);

    const untrusted = await tearline(['verify-bundle', at('n1.bundle'), '--vault', south, '--json'], { env });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^E_UNTRUSTED_SIGNER: signed by key [0-9A-F]{16}/);
    expect(untrusted.stderr.trim().split('\n')).toHaveLength(1);
    expect(VerdictSchema.parse(JSON.parse(untrusted.stdout))).toMatchObject({ valid: false, signature: 'not-checked' });

    const added = await tearline(['trust', 'add', '--vault', south, '--name', 'North', '--card', at('north.card')], { env });
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/North +\[TRUSTED\]/);

    const preview = await tearline(['import', '--vault', south, at('n1.bundle')], { env });
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/Signer +North +\[TRUSTED\]/);
    expect(preview.stdout).toMatch(/Relation +first bundle from this log/);
    expect(preview.stdout).toMatch(/Withheld +sourceProtection \(1\), restricted \(1\)/);
    expect(preview.stdout).toMatch(/Nothing was stored/);

    const yes = await tearline(['import', '--vault', south, at('n1.bundle'), '--yes'], { env });
    expect(yes.stderr).toBe('');
    expect(yes.stdout).toMatch(/Imported 3 new entries; recorded in the log at #\d+/);
    const again = await tearline(['import', '--vault', south, at('n1.bundle'), '--yes'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Already imported: nothing changed/);

    // A bundle whose signature does not hold names no signer, only the one it claims.
    const lines = readFileSync(at('n1.bundle'), 'utf8').split('\n');
    const middle = Math.floor(lines.length / 2);
    lines[middle] = (lines[middle]![0] === 'A' ? 'B' : 'A') + lines[middle]!.slice(1);
    writeFileSync(at('tampered.bundle'), lines.join('\n'));
    const forged = await tearline(['verify-bundle', at('tampered.bundle'), '--vault', south], { env });
    expect(forged.code).toBe(1);
    expect(forged.stdout).not.toMatch(/Signer +North/);

    // An imported entry is found by its id, marked with where it came from.
    const verdict = VerdictSchema.parse(JSON.parse((await tearline(['verify-bundle', at('n1.bundle'), '--vault', south, '--json'], { env })).stdout));
    const first = verdict.preview[0]!;
    const shown = await tearline(['show', first.id, '--vault', south, '--json'], { env });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: first.id, kind: first.kind, index: first.index, importedFrom: { signer: 'North' } });
    expect((await tearline(['show', first.id, '--vault', south], { env })).stdout).toMatch(/imported +from North/);

    const listing = await tearline(['trust', 'list', '--vault', south, '--json'], { env });
    const parsed = JSON.parse(listing.stdout) as { keys: { name: string; logs: { size: number }[] }[]; forks: unknown[] };
    expect(parsed.keys[0]).toMatchObject({ name: 'North', logs: [{ size: 3 }] });
    expect(parsed.forks).toEqual([]);
  });

  it('exits 1 for a bundle that fails verification, whatever the problem (an invalid entry, a size over the limit)', async () => {
    const invalid = await tearline(['verify-bundle', at('invalid.bundle'), '--trust', at('north.pub')], { env });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^E_INVALID_ENTRY: entry #0: .*approvedBy/);
    expect(invalid.stdout).toMatch(/Verdict +INVALID \(1 problem\)/);
    const big = await tearline(['verify-bundle', at('invalid.bundle'), '--trust', at('north.pub'), '--max-size', '1K'], { env });
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/^E_TOO_LARGE: /);
    const zero = await tearline(['verify-bundle', at('invalid.bundle'), '--trust', at('north.pub'), '--max-size', '0'], { env });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/^E_USAGE: --max-size must be at least one byte/);
  });

  it('revokes a key by name, after which its bundles are refused', async () => {
    const revoked = await tearline(['trust', 'revoke', '--vault', south, 'North', '--reason', 'lost in transit'], { env });
    expect(revoked.stderr).toBe('');
    expect(revoked.stdout).toMatch(/North +\[REVOKED\]/);
    const refused = await tearline(['verify-bundle', at('n1.bundle'), '--vault', south], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^E_REVOKED_SIGNER: /);
    const text = await tearline(['trust', 'list', '--vault', south], { env });
    expect(text.stdout).toMatch(/revoked +\S+: lost in transit/);
  });
});
