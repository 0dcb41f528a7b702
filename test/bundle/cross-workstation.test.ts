/**
 * The duty-to-warn workflow across two workstations: a waiver written on one is approved
 * on the other, after the case arrived in a bundle. The approval refers to the imported
 * case and entry, and the case view folds both workstations' entries.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkVault, exportBundle, findImported, importBundle, importedCaseOpened, importedCaseOpenings, listImported } from '../../electron/core/bundle';
import { ImportedStore } from '../../electron/core/bundle/imported-store';
import { withRowKeys } from '../../electron/core/trust/sealed-rows';
import { appendEntries, allCaseIds, cachedCase, caseWithImports } from '../../electron/core/case-records';
import { verifyVault } from '../../electron/core/log/integrity';
import { tempDir } from '../helpers/tmp';
import { addCase, newVault, trust } from './fixtures';
import { craftBundle, craftRecord, type CraftRecord } from './craft';
import { exampleBody } from '../../shared/domain';
import type { Vault } from '../../electron/core/vault/vault';

const dir = tempDir();
const open: Vault[] = [];
afterAll(() => open.forEach((v) => v.isOpen && v.close()));

/** Two new stations, the second trusting the first. */
async function stations(first: string, second: string): Promise<[Vault, Vault]> {
  const a = await newVault(dir, first);
  const b = await newVault(dir, second);
  open.push(a, b);
  trust(b, a);
  return [a, b];
}

/** An entry of `by`'s own log, under the id and case given (the forger chooses both). */
function entryOf(by: Vault, id: string, kind: string, caseId: string, body: Record<string, unknown>, ts = '2000-01-01T00:00:00.000Z'): CraftRecord {
  return craftRecord({ id, kind, caseId, author: by.workstation().edPublicKey, ts, body });
}

/** `log` as a single-file bundle that `by` signs for its own origin. */
function signedBy(by: Vault, log: CraftRecord[]): Uint8Array {
  return craftBundle({ origin: by.origin, log, signer: { secretKey: by.workstation().edSecretKey } }).singleFile;
}

/** North, with a case, trusted by South. */
async function twoStationsWithACase(): Promise<{ north: Vault; south: Vault; caseId: string }> {
  const [north, south] = await stations('North', 'South');
  return { north, south, caseId: addCase(north).caseId };
}

describe('an approval written on another workstation', () => {
  it('refers to the imported case and waiver, and the case folds both logs', async () => {
    const [north, south] = await stations('North', 'South');
    const { caseId, waiverId } = addCase(north);
    const out = path.join(dir, 'north-to-south.bundle');
    await exportBundle(north, { selection: { cases: [caseId] }, out });
    expect((await importBundle(south, out, { accept: true })).accepted).toBe(true);

    const approval = { caseId, target: waiverId, verdict: 'approved', approvedBy: 'Director C. Diaz', role: 'Deputy Director' };
    // The vault alone does not know imported cases...
    expect(() => south.append([{ kind: 'approval', body: approval }])).toThrow(/no case/);
    // ...the core's append does.
    const [written] = appendEntries(south, [{ kind: 'approval', body: approval }]);
    expect(written!.caseId).toBe(caseId);
    expect(allCaseIds(south)).toContain(caseId);

    const view = caseWithImports(south, caseId);
    const origins = view.timeline.map((t) => t.origin.kind);
    expect(origins).toContain('imported');
    expect(origins).toContain('local');
    expect(JSON.stringify(view)).toContain('Director C. Diaz');
    const waiver = view.waivers.find((w) => w.id === waiverId)!;
    expect(waiver.approvals.map((a) => a.verdict)).toEqual(['approved']);

    // A case this vault has never seen is still refused.
    expect(() => appendEntries(south, [{ kind: 'note', body: { caseId: '0190f3a1-0000-7000-8000-00000000abcd', text: 'x' } }])).toThrow(/no case/);
    expect(verifyVault(south).ok).toBe(true);
  });

  it('the remembered case view follows new local entries and new imports', async () => {
    const { north, south, caseId } = await twoStationsWithACase();
    const first = path.join(dir, 'first.bundle');
    await exportBundle(north, { selection: { cases: [caseId] }, out: first });
    await importBundle(south, first, { accept: true });
    const before = cachedCase(south, caseId);
    expect(cachedCase(south, caseId)).toBe(before);
    appendEntries(south, [{ kind: 'note', body: { caseId, text: 'Called the liaison officer.' } }]);
    const afterNote = cachedCase(south, caseId);
    expect(afterNote.timeline.length).toBe(before.timeline.length + 1);
    north.append([{ kind: 'note', body: { caseId, text: 'Second report received.' } }]);
    const second = path.join(dir, 'second.bundle');
    await exportBundle(north, { selection: { cases: [caseId] }, out: second });
    await importBundle(south, second, { accept: true });
    expect(cachedCase(south, caseId).timeline.length).toBe(afterNote.timeline.length + 1);

    // The list of cases remembers the imported ones, and learns of a case imported later.
    expect(allCaseIds(south)).toContain(caseId);
    const { caseId: another } = addCase(north);
    expect(allCaseIds(south)).not.toContain(another);
    const third = path.join(dir, 'third.bundle');
    await exportBundle(north, { selection: { cases: [another] }, out: third });
    await importBundle(south, third, { accept: true });
    expect(allCaseIds(south)).toEqual(expect.arrayContaining([caseId, another]));
  });

  it('finds the imported cases by one row of each, as opening every imported row finds them', async () => {
    const [north, south] = await stations('North', 'South');
    const east = await newVault(dir, 'East');
    open.push(east);
    trust(south, east);
    const whole = addCase(north);
    const other = addCase(north);
    const notesOnly = addCase(north);
    const eastern = addCase(east);
    const send = async (from: Vault, selection: Parameters<typeof exportBundle>[1]['selection'], name: string) => {
      const out = path.join(dir, name);
      await exportBundle(from, { selection, out });
      expect((await importBundle(south, out, { accept: true })).accepted).toBe(true);
    };
    await send(east, { cases: [eastern.caseId] }, 'east.bundle');
    await send(north, { cases: [whole.caseId, other.caseId] }, 'whole.bundle');
    // Of this case, only a note and the waiver: its opening stays on North.
    await send(north, { ids: [notesOnly.noteId, notesOnly.waiverId] }, 'notes-only.bundle');
    const byEveryRow = listImported(south, { kind: 'case.opened' }).map((e) => e.header.id);
    expect(byEveryRow).toHaveLength(3);
    expect(importedCaseOpenings(south).map((e) => e.header.id)).toEqual(byEveryRow);
    expect(allCaseIds(south)).toEqual(expect.arrayContaining(byEveryRow));
    expect(allCaseIds(south)).not.toContain(notesOnly.caseId);
    expect(importedCaseOpened(south, whole.caseId)).toBe(true);
    expect(importedCaseOpened(south, eastern.caseId)).toBe(true);
    // A case of which only later entries came, an entry that is not an opening, a case never seen.
    expect(importedCaseOpened(south, notesOnly.caseId)).toBe(false);
    expect(importedCaseOpened(south, whole.noteId)).toBe(false);
    expect(importedCaseOpened(south, '0190f3a1-0000-7000-8000-00000000abcd')).toBe(false);
    // A case imported before ids had references (its rows opened once to find them) is found too.
    south.database().prepare('UPDATE imported_entries SET id_ref = NULL').run();
    expect(importedCaseOpened(south, whole.caseId)).toBe(true);
    expect(importedCaseOpened(south, eastern.caseId)).toBe(true);
    expect(importedCaseOpened(south, notesOnly.caseId)).toBe(false);
    expect(importedCaseOpened(south, whole.noteId)).toBe(false);
    expect(importedCaseOpenings(south).map((e) => e.header.id)).toEqual(byEveryRow);
    // And a note may now be added to either imported case, not to the other.
    expect(appendEntries(south, [{ kind: 'note', body: { caseId: eastern.caseId, text: 'Seen.' } }])[0]!.caseId).toBe(eastern.caseId);
    expect(() => appendEntries(south, [{ kind: 'note', body: { caseId: notesOnly.caseId, text: 'x' } }])).toThrow(/no case/);
  });

  it('the remembered case view follows an import that only discloses fields withheld before', async () => {
    const { north, south, caseId } = await twoStationsWithACase();
    const redacted = path.join(dir, 'redacted.bundle');
    await exportBundle(north, { selection: { cases: [caseId] }, out: redacted, redact: ['warningText'] });
    await importBundle(south, redacted, { accept: true });
    const opened = (view: ReturnType<typeof cachedCase>) => view.timeline.find((t) => t.kind === 'case.opened')!;
    expect(opened(cachedCase(south, caseId)).withheld).toContain('warningText');

    const full = path.join(dir, 'full.bundle');
    await exportBundle(north, { selection: { cases: [caseId] }, out: full });
    const result = await importBundle(south, full, { accept: true });
    expect(result).toMatchObject({ newEntries: 0, updatedEntries: 1 });
    const view = cachedCase(south, caseId);
    expect(opened(view).withheld).not.toContain('warningText');
    expect(view).toEqual(caseWithImports(south, caseId));
  });
});

describe('an imported entry with the id of one of ours', () => {
  it('is refused at import, and could never stand in for our own record in the case', async () => {
    const [peer, home] = await stations('Peer', 'Home');
    const { caseId } = addCase(home);
    const ours = caseWithImports(home, caseId);
    // A trusted peer signs a case.opened that carries our case's id, dated earlier.
    const forged = entryOf(peer, caseId, 'case.opened', caseId, { ...(exampleBody('case.opened') as Record<string, unknown>), title: 'FORGED TITLE' });
    const result = await importBundle(home, { bytes: signedBy(peer, [forged]) }, { accept: true });
    expect(result.verdict.valid).toBe(false);
    expect(result.verdict.problems.map((p) => [p.code, p.message])).toEqual([['E_INVALID_ENTRY', expect.stringMatching(/is that of an entry of this vault's own log/)]]);
    expect(result.changed).toBe(false);
    expect(caseWithImports(home, caseId)).toEqual(ours);
  });
});

describe('an imported entry with the id of an entry held from another log', () => {
  it('is refused, so that one peer cannot stand in for another where entries are found by id', async () => {
    const [north, south] = await stations('North', 'South');
    const west = await newVault(dir, 'West');
    open.push(west);
    trust(south, west);
    const { caseId, waiverId } = addCase(north);
    const out = path.join(dir, 'north-case.bundle');
    await exportBundle(north, { selection: { cases: [caseId] }, out });
    expect((await importBundle(south, out, { accept: true })).accepted).toBe(true);
    const before = caseWithImports(south, caseId);

    // West, trusted too, signs a waiver that carries North's waiver's id.
    const opened = entryOf(west, caseId, 'case.opened', caseId, exampleBody('case.opened') as Record<string, unknown>);
    const forged = entryOf(west, waiverId, 'waiver', caseId, exampleBody('waiver', { caseId }) as Record<string, unknown>);
    const crafted = signedBy(west, [opened, forged]);
    const result = await importBundle(south, { bytes: crafted }, { accept: true });
    expect(result.verdict.valid).toBe(false);
    const problems = result.verdict.problems.map((p) => [p.code, p.message]);
    const claim = (index: number, id: string) => new RegExp(`^entry #${index}: its id ${id} is already held here, as entry #\\d+ of ${north.origin}: two logs claim one entry, and one of them forged it$`);
    expect(problems).toEqual([
      ['E_INVALID_ENTRY', expect.stringMatching(claim(0, caseId))],
      ['E_INVALID_ENTRY', expect.stringMatching(claim(1, waiverId))],
    ]);
    expect(result.changed).toBe(false);
    expect(caseWithImports(south, caseId)).toEqual(before);

    // The same bundle from North again is no such thing: the entries are where they were.
    const again = await importBundle(south, out, { accept: true });
    expect(again.verdict.valid).toBe(true);

    // Rows imported before ids had references (a vault from an earlier version) are
    // found all the same, and the next import gives them theirs.
    const db = south.database();
    const unfilled = () => (db.prepare('SELECT count(*) AS n FROM imported_entries WHERE id_ref IS NULL').get() as { n: number }).n;
    db.prepare('UPDATE imported_entries SET id_ref = NULL').run();
    expect(unfilled()).toBeGreaterThan(1);
    expect(findImported(south, waiverId)?.origin).toBe(north.origin);
    // Filled in a transaction of their own, kept even though this import is refused.
    expect((await importBundle(south, { bytes: crafted }, { accept: true })).verdict.problems.map((p) => p.code)).toEqual(['E_INVALID_ENTRY', 'E_INVALID_ENTRY']);
    expect(unfilled()).toBe(0);
    expect(findImported(south, waiverId)?.origin).toBe(north.origin);
    expect(findImported(south, '0190f3a1-0000-7000-8000-00000000dead')).toBeUndefined();
    expect(checkVault(south).ok).toBe(true);

    // A vault that took in both before such entries were refused: the check finds the
    // clash, and the id names neither entry rather than one of them.
    withRowKeys(south, (keys) => {
      const store = new ImportedStore(south, keys);
      const held = store.byId(waiverId)!;
      store.put({ ...held, origin: west.origin, index: 1 });
    });
    const report = checkVault(south);
    expect(report.ok).toBe(false);
    // (The row put in by hand is also one more than the log's imports recorded.)
    expect(report.problems.map((p) => [p.what, p.message])).toEqual([
      ['imports', expect.stringMatching(/^the vault holds \d+ imported entries where its log records \d+/)],
      ['imports', expect.stringMatching(/^1 entry id is held from more than one log: one of those logs forged it/)],
    ]);
    expect(() => findImported(south, waiverId)).toThrow(new RegExp(`two imported entries have the id ${waiverId}: .*${west.origin}`));
  });

  it('is refused when the honest log comes second, naming the other: the first one held keeps the id', async () => {
    const [north, south] = await stations('North', 'South');
    const west = await newVault(dir, 'West');
    open.push(west);
    trust(south, west);
    const { caseId } = addCase(north);
    // West learnt North's case id (a bundle North sent it) and gets its own copy in first.
    const first = await importBundle(south, { bytes: signedBy(west, [entryOf(west, caseId, 'case.opened', caseId, exampleBody('case.opened') as Record<string, unknown>)]) }, { accept: true });
    expect(first.verdict.valid).toBe(true);
    const out = path.join(dir, 'north-second.bundle');
    await exportBundle(north, { selection: { cases: [caseId] }, out });
    const second = await importBundle(south, out, { accept: true });
    expect(second.changed).toBe(false);
    expect(second.verdict.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(new RegExp(`its id ${caseId} is already held here, as entry #0 of ${west.origin}: two logs claim one entry`)),
    );
  });

  it('is refused within one bundle: one log never gives two entries the same id', async () => {
    const [peer, home] = await stations('Peer', 'Home');
    const id = '0190f3a1-0000-7000-8000-0000000000aa';
    const opened = (summary: string, ts: string) => entryOf(peer, id, 'case.opened', id, { ...(exampleBody('case.opened') as Record<string, unknown>), summary }, ts);
    const crafted = signedBy(peer, [opened('first', '2025-01-01T00:00:00.000Z'), opened('second', '2025-01-02T00:00:00.000Z')]);
    const result = await importBundle(home, { bytes: crafted }, { accept: true });
    expect(result.verdict.problems.map((p) => [p.code, p.message])).toEqual([['E_INVALID_ENTRY', `entry #1: its id ${id} is that of an earlier entry of this bundle`]]);
    expect(result.changed).toBe(false);
  });
});
