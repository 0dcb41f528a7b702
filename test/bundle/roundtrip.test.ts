/** Bundles from one vault to another, in every form, with redaction and selection. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../shared/bytes';
import type { Vault } from '../../electron/core/vault/vault';
import { exportBundle, importBundle, importedFoldInputs, inspectBundle, listImported, type ExportOptions } from '../../electron/core/bundle';
import { minisignKeyId } from '../../electron/core/formats/minisign';
import { tempDir } from '../helpers/tmp';
import { addCase, newVault, trust, type CaseIds } from './fixtures';

const dir = tempDir('tearline-bundle-');
let n = 0;
const file = (ext = 'bundle') => path.join(dir, `b${++n}.${ext}`);

function count(vault: Vault, table: string): number {
  return (vault.database().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

let north: Vault;
let south: Vault;
let case1: CaseIds;
let case2: CaseIds;

beforeAll(async () => {
  north = await newVault(dir, 'Station North');
  south = await newVault(dir, 'Station South');
  case1 = addCase(north);
  case2 = addCase(north);
  trust(south, north);
  trust(north, south);
});

afterAll(() => {
  north?.close();
  south?.close();
});

describe('every form, from one vault to another', () => {
  const forms: { label: string; options: Partial<ExportOptions>; form: string; encrypted: boolean }[] = [
    { label: 'detached (FILE + FILE.minisig)', options: {}, form: 'detached', encrypted: false },
    { label: 'single file', options: { singleFile: true }, form: 'single-file', encrypted: false },
    { label: 'armored text', options: { armor: true }, form: 'armored', encrypted: false },
    { label: 'age, to a trusted name', options: { to: ['Station South'] }, form: 'age', encrypted: true },
    { label: 'age, armored', options: { to: ['Station South'], armor: true }, form: 'age-armored', encrypted: true },
  ];

  let heldSize = 0;
  for (const [i, f] of forms.entries()) {
    it(`${f.label}: exports, verifies and imports`, async () => {
      if (i > 0) north.append([{ kind: 'note', body: { caseId: case1.caseId, text: `Update ${i}`, writtenBy: 'Officer A. Novak' } }]);
      const out = file(f.options.armor ? 'txt' : 'bundle');
      const before = listImported(south).length;
      const sizeBefore = north.size;
      const exported = await exportBundle(north, { out, selection: { all: true }, for: ['Station South'], ...f.options });
      expect(exported.form).toBe(f.form);
      expect(exported.encrypted).toBe(f.encrypted);
      expect(exported.files[0]).toBe(out);
      expect(exported.checkpoint.size).toBe(sizeBefore);
      if (heldSize > 0) expect(exported.consistencyFrom).toContain(heldSize);
      const text = readFileSync(out);
      if (f.form === 'armored') expect(fromUtf8(text).startsWith('-----BEGIN TEARLINE BUNDLE-----\n')).toBe(true);
      if (f.form === 'age-armored') expect(fromUtf8(text).startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
      if (f.encrypted) expect(text.includes(Buffer.from('Port Halden'))).toBe(false);

      const verdict = await inspectBundle(south, out);
      expect(verdict.problems).toEqual([]);
      expect(verdict).toMatchObject({ valid: true, form: f.form, encrypted: f.encrypted, signature: 'valid', relation: i === 0 ? 'first-contact' : 'extends' });
      expect(verdict.signer).toMatchObject({ status: 'trusted', name: 'Station North' });

      const result = await importBundle(south, out, { accept: true });
      expect(result.verdict.valid).toBe(true);
      expect(result.changed).toBe(true);
      expect(result.newEntries).toBe(sizeBefore - before);
      expect(listImported(south)).toHaveLength(sizeBefore);
      heldSize = sizeBefore;
    });
  }

  it('records the export and the import in both logs', () => {
    const exported = north.list({ kind: 'bundle.exported' }).items;
    expect(exported.length).toBeGreaterThanOrEqual(5);
    const last = north.get(exported.at(-1)!.id).body as Record<string, unknown>;
    expect(last).toMatchObject({ form: 'armored', entryCount: expect.any(Number), withheldFields: ['restricted', 'sourceProtection'] });
    expect((last.recipients as unknown[]).length).toBe(1);
    expect((last.entryIds as string[]).length).toBe(last.entryCount);
    const imported = south.list({ kind: 'bundle.imported' }).items;
    expect(imported).toHaveLength(5);
    const body = south.get(imported.at(-1)!.id).body as Record<string, unknown>;
    expect(body).toMatchObject({ signer: { name: 'Station North' }, form: 'armored', newEntryCount: 2 });
    expect(String(body.verdict)).toMatch(/^valid: /);
  });

  it('changes nothing when the same bundle is imported again', async () => {
    const out = file();
    await exportBundle(north, { out, selection: { all: true }, for: ['Station South'] });
    const first = await importBundle(south, out, { accept: true });
    expect(first.changed).toBe(true);
    const size = south.size;
    const rows = count(south, 'imported_entries');
    const again = await importBundle(south, out, { accept: true });
    expect(again).toMatchObject({ changed: false, newEntries: 0, updatedEntries: 0 });
    expect(again.verdict.relation).toBe('already-known');
    expect(south.size).toBe(size);
    expect(count(south, 'imported_entries')).toBe(rows);
  });

  it('stores nothing without acceptance', async () => {
    north.append([{ kind: 'note', body: { caseId: case2.caseId, text: 'Not accepted yet', writtenBy: 'Officer A. Novak' } }]);
    const out = file();
    await exportBundle(north, { out, selection: { all: true }, for: ['Station South'] });
    const size = south.size;
    const rows = count(south, 'imported_entries');
    const cps = count(south, 'peer_checkpoints');
    const result = await importBundle(south, out, { accept: false });
    expect(result.verdict.valid).toBe(true);
    expect(result.verdict.entries.new).toBe(2); // the note and the previous bundle.exported entry
    expect(result.changed).toBe(false);
    expect(south.size).toBe(size);
    expect(count(south, 'imported_entries')).toBe(rows);
    expect(count(south, 'peer_checkpoints')).toBe(cps);
  });
});

describe('redaction', () => {
  let a: Vault;
  let b: Vault;
  let c: CaseIds;
  beforeAll(async () => {
    a = await newVault(dir, 'Redacting');
    b = await newVault(dir, 'Receiving');
    c = addCase(a);
    trust(b, a);
  });
  afterAll(() => {
    a?.close();
    b?.close();
  });

  it('withholds sensitive fields by default, and the receiver sees which', async () => {
    const out = file();
    const exported = await exportBundle(a, { out, selection: { cases: [c.caseId] } });
    expect(exported.withheld).toEqual({ sourceProtection: 2, restricted: 1 });
    expect(readFileSync(out).includes(Buffer.from('ZEBRA'))).toBe(false);
    expect(readFileSync(out).includes(Buffer.from('single sensitive human source'))).toBe(false);
    const verdict = await inspectBundle(b, out);
    expect(verdict.valid).toBe(true);
    expect(verdict.entries.withheld).toEqual({ sourceProtection: 2, restricted: 1 });
    expect(verdict.preview.find((p) => p.kind === 'case.opened')!.withheld).toEqual(['sourceProtection']);
    await importBundle(b, out, { accept: true });
    const opened = listImported(b, { kind: 'case.opened' })[0]!;
    expect(opened.withheld).toEqual(['sourceProtection']);
    expect(opened.body.sourceProtection).toBeUndefined();
    expect(opened.body.warningText).toMatch(/Port Halden/);
    expect(Object.keys(opened.header.fields)).toContain('sourceProtection');
  });

  it('withholds more with --redact, and a later bundle can disclose what was withheld', async () => {
    const out = file();
    const exported = await exportBundle(a, { out, selection: { ids: [c.caseId] }, redact: ['summary', 'intendedVictim'] });
    expect(exported.withheld).toEqual({ sourceProtection: 1, summary: 1, intendedVictim: 1 });
    const result = await importBundle(b, out, { accept: true });
    expect(result.verdict.valid).toBe(true);
    expect(result.verdict.entries.withheld).toEqual({ sourceProtection: 1, summary: 1, intendedVictim: 1 });

    const full = file();
    await exportBundle(a, { out: full, selection: { cases: [c.caseId] }, includeSensitive: true });
    const upgraded = await importBundle(b, full, { accept: true });
    expect(upgraded.verdict.valid).toBe(true);
    expect(upgraded.updatedEntries).toBe(3);
    const opened = listImported(b, { kind: 'case.opened' })[0]!;
    expect(opened.withheld).toEqual([]);
    expect((opened.body.sourceProtection as { notes: string }).notes).toMatch(/sensitive human source/);
  });

  it('refuses to redact a field that no kind has', async () => {
    await expect(exportBundle(a, { out: file(), selection: { all: true }, redact: ['sumary'] })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('feeds the case view with the imported entries of a case', () => {
    const inputs = importedFoldInputs(b, c.caseId);
    expect(inputs.map((e) => e.header.kind).sort()).toEqual(['case.assessed', 'case.opened', 'note', 'waiver']);
    expect(inputs[0]!.origin).toMatchObject({ kind: 'imported', name: 'Redacting' });
  });
});

describe('selection', () => {
  let a: Vault;
  let c1: CaseIds;
  let c2: CaseIds;
  beforeAll(async () => {
    a = await newVault(dir, 'Selecting');
    c1 = addCase(a);
    c2 = addCase(a);
  });
  afterAll(() => a?.close());

  const indexesOf = async (selection: ExportOptions['selection']) => {
    const r = await exportBundle(a, { selection });
    const verdict = await inspectBundle({ trustKey: { publicKey: a.workstation().edPublicKey, keyId: keyIdOf(a) } }, { bytes: r.bytes!, signatureText: r.signatureText! });
    expect(verdict.valid).toBe(true);
    return { count: verdict.entries.count, first: verdict.entries.firstIndex, last: verdict.entries.lastIndex, cases: verdict.entries.cases };
  };

  it('selects cases, ids, and entries from an index on', async () => {
    expect(await indexesOf({ cases: [c2.caseId] })).toMatchObject({ count: 4, first: 5, last: 8, cases: [c2.caseId] });
    expect(await indexesOf({ ids: [c1.noteId, c2.waiverId] })).toMatchObject({ count: 2, first: 3, last: 6 });
    const size = a.size; // the export itself appends its bundle.exported entry after
    expect(await indexesOf({ since: 7 })).toMatchObject({ count: size - 7, first: 7 });
    expect(await indexesOf({ cases: [c1.caseId, c2.caseId], since: 4 })).toMatchObject({ count: 5, first: 4, last: 8 });
  });

  it('refuses an empty or unknown selection', async () => {
    await expect(exportBundle(a, { selection: {} })).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(exportBundle(a, { selection: { cases: ['01900000-0000-7000-8000-000000000000'] } })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(exportBundle(a, { selection: { since: a.size + 1 } })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/past the end of the log/) });
  });

  it('reports progress and can be cancelled, leaving nothing behind', async () => {
    const seen: string[] = [];
    await exportBundle(a, { selection: { all: true }, onProgress: (_d, _t, phase) => seen.push(phase) });
    expect(seen).toContain('write');
    const size = a.size;
    const controller = new AbortController();
    controller.abort();
    const out = file();
    await expect(exportBundle(a, { out, selection: { all: true }, signal: controller.signal })).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(a.size).toBe(size);
    const { existsSync, readdirSync } = await import('node:fs');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});

function keyIdOf(v: Vault): Uint8Array {
  return minisignKeyId(v.workstation().edPublicKey);
}
