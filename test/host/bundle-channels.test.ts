/**
 * The bundle and trust channels of the core service, between two real vaults (interactive
 * Argon2id, real SQLite, real signatures and encryption): key cards, trust, export as text
 * and as a file, verification, acceptance, a tampered bundle refused, a revoked signer
 * refused, and the imported case shown by the case channels.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBody } from '../../shared/domain';
import type { IpcResult } from '../../shared/ipc';
import type { KeyCard } from '../../shared/keys/key-card';
import { CoreService } from '../../electron/host/core-service';
import type { ProgressUpdate } from '../../electron/host/operation';
import { tempDir } from '../helpers/tmp';

const PASS = 'correct horse battery staple';

function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function errorCode(result: IpcResult<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

describe('bundles and trust through the core service', () => {
  const dir = tempDir('tearline-bundle-channels-');
  let a: CoreService;
  let b: CoreService;
  let caseId: string;
  let cardA: KeyCard;

  beforeAll(async () => {
    a = new CoreService({ vaultPath: path.join(dir, 'a.tearline') });
    b = new CoreService({ vaultPath: path.join(dir, 'b.tearline') });
    value(await a.invoke('createVault', { name: 'Station A', passphrase: PASS, kdf: 'interactive' }));
    value(await b.invoke('createVault', { name: 'Station B', passphrase: PASS, kdf: 'interactive' }));
    const [opened] = value(await a.invoke('appendEntries', { entries: [{ kind: 'case.opened', body: exampleBody('case.opened') }] }));
    caseId = opened!.id;
    value(
      await a.invoke('appendEntries', {
        entries: (['case.assessed', 'decision', 'delivery'] as const).map((kind) => ({ kind, body: exampleBody(kind, { caseId }) as never })),
      }),
    );
    cardA = value(await a.invoke('keyCard', {}));
  }, 60_000);
  afterAll(() => {
    a.dispose();
    b.dispose();
  });

  it('saves a key card to a file and reads it back', async () => {
    const file = path.join(dir, 'a-card.json');
    expect(value(await a.invoke('saveKeyCard', {}, { file }))).toEqual({ path: file });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(cardA);
    expect(value(await b.invoke('readKeyCardFile', {}, { file }))).toEqual(cardA);
    const notACard = path.join(dir, 'a.tearline');
    expect(errorCode(await b.invoke('readKeyCardFile', {}, { file: notACard }))).toBe('E_MALFORMED');
    expect(errorCode(await b.invoke('readKeyCardFile', {}))).toBe('E_USAGE');
    // A folder, or a file that is gone, is a file that cannot be read: E_IO, not "not a key card".
    expect(await b.invoke('readKeyCardFile', {}, { file: dir })).toMatchObject({ ok: false, error: { code: 'E_IO', message: expect.stringMatching(/not a regular file/) } });
    expect(errorCode(await b.invoke('readKeyCardFile', {}, { file: path.join(dir, 'gone.json') }))).toBe('E_IO');
    expect(await b.invoke('inspectBundleFile', {}, { file: dir })).toMatchObject({ ok: false, error: { code: 'E_IO', message: expect.stringMatching(/not a regular file/) } });
  });

  it('trusts each other’s key cards and lists them', async () => {
    const cardB = value(await b.invoke('keyCard', {}));
    const trusted = value(await b.invoke('trustAdd', { name: 'Station A', card: cardA, verifiedBy: 'Officer B' }));
    expect(trusted).toMatchObject({ name: 'Station A', fingerprint: cardA.fingerprint, status: 'trusted', ageRecipient: cardA.ageRecipient });
    value(await a.invoke('trustAdd', { name: 'Station B', card: cardB }));
    const list = value(await b.invoke('trustList', {}));
    expect(list.keys.map((k) => k.name)).toEqual(['Station A']);
    expect(list.forks).toEqual([]);
    expect(errorCode(await b.invoke('trustAdd', { name: 'Again', card: cardA }))).toBe('E_USAGE');
  });

  it('exports a case as encrypted armored text that the other vault verifies, then imports on acceptance', async () => {
    const cardB = value(await b.invoke('keyCard', {}));
    const progress: ProgressUpdate[] = [];
    const out = value(
      await a.invoke('exportBundleText', { selection: { cases: [caseId] }, to: [cardB.fingerprint] }, { onProgress: (p) => progress.push(p) }),
    );
    expect(out).toMatchObject({ form: 'age-armored', encrypted: true, entryCount: 4, caseCount: 1, files: [], withheld: { sourceProtection: 1 } });
    expect(out.text).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(progress.some((p) => p.phase === 'write')).toBe(true);

    const inspected = value(await b.invoke('inspectBundleText', { text: out.text }));
    expect(inspected.verdict).toMatchObject({ valid: true, encrypted: true, relation: 'first-contact' });
    expect(inspected.verdict.signer).toMatchObject({ status: 'trusted', name: 'Station A' });
    expect(inspected.verdict.entries.withheld).toEqual({ sourceProtection: 1 });
    expect(inspected.pendingId).toMatch(/^[0-9a-f]{32}$/);
    // Verifying stores nothing.
    expect(value(await b.invoke('listCases', {})).total).toBe(0);

    const imported = value(await b.invoke('acceptBundle', { pendingId: inspected.pendingId! }));
    expect(imported).toMatchObject({ accepted: true, changed: true, newEntries: 4 });
    expect(errorCode(await b.invoke('acceptBundle', { pendingId: inspected.pendingId! }))).toBe('E_NOT_FOUND');

    const cases = value(await b.invoke('listCases', {}));
    expect(cases.total).toBe(1);
    const view = value(await b.invoke('getCase', { caseId }));
    expect(view).toMatchObject({ caseId, status: 'warned', importedFrom: [{ name: 'Station A', fingerprint: cardA.fingerprint }] });
    expect(view.opening?.origin).toEqual({ kind: 'imported', name: 'Station A', fingerprint: cardA.fingerprint });
    expect(view.opening?.withheld).toEqual(['sourceProtection']);
    expect(view.opening?.body.sourceProtection).toBeUndefined();
    expect(view.timeline.map((t) => t.kind)).toEqual(['case.opened', 'case.assessed', 'decision', 'delivery']);
  });

  it('refuses a tampered bundle with a readable reason, and holds nothing for it', async () => {
    const out = value(await a.invoke('exportBundleText', { selection: { cases: [caseId] }, includeSensitive: true }));
    expect(out.form).toBe('armored');
    expect(out.withheld).toEqual({});
    const lines = out.text.split('\n');
    const i = Math.floor(lines.length / 2);
    const line = lines[i]!;
    lines[i] = (line[0] === 'A' ? 'B' : 'A') + line.slice(1);
    const inspected = value(await b.invoke('inspectBundleText', { text: lines.join('\n') }));
    expect(inspected.verdict.valid).toBe(false);
    expect(inspected.pendingId).toBeNull();
    expect(inspected.verdict.problems.length).toBeGreaterThan(0);
    expect(inspected.verdict.problems[0]!.message.length).toBeGreaterThan(10);
    expect(errorCode(await b.invoke('discardBundle', { pendingId: 'nothing' }))).toBeUndefined();
  });

  it('exports to a file, and a second import of what is known changes nothing', async () => {
    const file = path.join(dir, 'case.tlb');
    const saved = value(await a.invoke('exportBundle', { selection: { cases: [caseId] } }, { file }));
    expect(saved).toMatchObject({ form: 'single-file', encrypted: false, files: [file] });
    expect(existsSync(file)).toBe(true);
    expect(errorCode(await a.invoke('exportBundle', { selection: { cases: [caseId] } }))).toBe('E_USAGE');
    const inspected = value(await b.invoke('inspectBundleFile', {}, { file }));
    expect(inspected.verdict.valid).toBe(true);
    expect(inspected.verdict.entries.new).toBe(0);
    const again = value(await b.invoke('acceptBundle', { pendingId: inspected.pendingId! }));
    expect(again.newEntries).toBe(0);
  });

  it('forgets a held bundle on reject and on lock', async () => {
    const out = value(await a.invoke('exportBundleText', { selection: { all: true } }));
    const held = value(await b.invoke('inspectBundleText', { text: out.text }));
    expect(value(await b.invoke('discardBundle', { pendingId: held.pendingId! }))).toEqual({ discarded: true });
    expect(errorCode(await b.invoke('acceptBundle', { pendingId: held.pendingId! }))).toBe('E_NOT_FOUND');
    const again = value(await b.invoke('inspectBundleText', { text: out.text }));
    value(await b.invoke('lockVault', {}));
    value(await b.invoke('unlockVault', { passphrase: PASS }));
    expect(errorCode(await b.invoke('acceptBundle', { pendingId: again.pendingId! }))).toBe('E_NOT_FOUND');
  });

  it('refuses bundles from a revoked key', async () => {
    const revoked = value(await b.invoke('trustRevoke', { key: 'Station A', reason: 'Workstation decommissioned' }));
    expect(revoked).toMatchObject({ status: 'revoked', revoked: { reason: 'Workstation decommissioned' } });
    expect(errorCode(await b.invoke('trustRevoke', { key: 'Station A', reason: 'again' }))).toBe('E_USAGE');
    const out = value(await a.invoke('exportBundleText', { selection: { cases: [caseId] } }));
    const inspected = value(await b.invoke('inspectBundleText', { text: out.text }));
    expect(inspected.verdict.valid).toBe(false);
    expect(inspected.verdict.problems.map((p) => p.code)).toContain('E_REVOKED_SIGNER');
  });
});
