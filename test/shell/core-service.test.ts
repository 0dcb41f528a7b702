/**
 * The core service end to end on a real vault (real Argon2id at the interactive level,
 * real SQLite, real crypto), driven through the same entry point the utility process uses.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, DRAFT_MAX_BYTES, DRAFT_MAX_COUNT, DRAFTS_MAX_TOTAL_BYTES, KDF_LEVEL_NAMES, type IpcResult } from '../../shared/ipc';
import { exampleBody } from '../../shared/domain';
import { KDF_LEVELS } from '../../electron/core/crypto/kdf';
import { CoreService, type VaultStateChange } from '../../electron/host/core-service';
import type { ProgressUpdate } from '../../electron/host/operation';

const PASS = 'correct horse battery staple';

const CASE_OPENED = exampleBody('case.opened');

function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function errorCode(result: IpcResult<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

describe('CoreService on a real vault', () => {
  let dir: string;
  let service: CoreService;
  const states: VaultStateChange[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tearline-shell-'));
    service = new CoreService({ vaultPath: path.join(dir, 'vault.tearline'), onStateChange: (s) => states.push(s) });
  });
  afterAll(() => {
    service.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the same KDF levels as the core', () => {
    expect([...KDF_LEVEL_NAMES]).toEqual([...KDF_LEVELS]);
  });

  it('serves exactly the core channels of the contract', async () => {
    const core = Object.entries(CHANNELS).filter(([, d]) => d.host === 'core').map(([n]) => n);
    for (const name of core) expect(typeof (service as unknown as Record<string, unknown>)[name]).toBe('function');
    expect(errorCode(await service.invoke('copyToClipboard', { text: 'x' }))).toBe('E_USAGE');
    expect(errorCode(await service.invoke('noSuchChannel', {}))).toBe('E_USAGE');
    expect(errorCode(await service.invoke('__proto__', {}))).toBe('E_USAGE');
  });

  it('reports no vault before one is created, and refuses reads while locked', async () => {
    expect(value(await service.invoke('vaultStatus', {}))).toEqual({ state: 'absent', vault: null });
    expect(errorCode(await service.invoke('listEntries', {}))).toBe('E_LOCKED');
  });

  it('refuses a malformed request before doing anything', async () => {
    const short = await service.invoke('createVault', { name: 'W', passphrase: 'short', kdf: 'interactive' });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.error).toMatchObject({ code: 'E_USAGE', at: 'passphrase' });
    expect(errorCode(await service.invoke('createVault', { name: 'W', passphrase: PASS, kdf: 'interactive', extra: 1 }))).toBe('E_USAGE');
    expect(existsSync(service.vaultPath)).toBe(false);
  });

  it('creates, appends, lists, locks (E_LOCKED) and unlocks again', async () => {
    const progress: ProgressUpdate[] = [];
    const info = value(
      await service.invoke('createVault', { name: 'Desk 4', passphrase: PASS, kdf: 'interactive' }, { onProgress: (p) => progress.push(p) }),
    );
    expect(info).toMatchObject({ name: 'Desk 4', entries: 1 });
    expect(info.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(progress.some((p) => p.phase === 'kdf' && p.done === 1)).toBe(true);
    expect(states.at(-1)).toEqual({ locked: false });

    const card = value(await service.invoke('keyCard', {}));
    expect(card.fingerprint).toBe(info.fingerprint);

    const added = value(await service.invoke('appendEntries', { entries: [{ kind: 'case.opened', body: CASE_OPENED }] }));
    expect(added).toHaveLength(1);
    const caseId = added[0]!.caseId!;
    value(await service.invoke('appendEntries', { entries: [{ kind: 'note', body: exampleBody('note', { caseId }) }] }));

    const page = value(await service.invoke('listEntries', { caseId }));
    expect(page.total).toBe(2);
    expect(page.items.map((e) => e.kind)).toEqual(['case.opened', 'note']);
    expect(Object.keys(page.items[0]!)).not.toContain('search');

    const entry = value(await service.invoke('getEntry', { id: caseId }));
    expect(entry.header.kind).toBe('case.opened');
    expect(entry.leafHash).toMatch(/^[0-9a-f]{64}$/);

    const cases = value(await service.invoke('listCases', {}));
    expect(cases.total).toBe(1);
    expect(cases.items[0]!.caseId).toBe(caseId);
    expect(value(await service.invoke('getCase', { caseId })).entryCount).toBe(2);

    const invalid = await service.invoke('appendEntries', { entries: [{ kind: 'note', body: { caseId } }] });
    expect(errorCode(invalid)).toBe('E_INVALID_ENTRY');
    expect(errorCode(await service.invoke('appendEntries', { entries: [{ kind: 'vault.created', body: {} }] }))).toBe('E_USAGE');

    const report = value(await service.invoke('verifyVault', {}));
    expect(report).toMatchObject({ ok: true, size: 3, problems: [] });

    expect(value(await service.invoke('lockVault', {}))).toBeNull();
    expect(states.at(-1)).toEqual({ locked: true, reason: 'user' });
    expect(value(await service.invoke('vaultStatus', {}))).toEqual({ state: 'locked', vault: null });
    for (const [channel, request] of [
      ['listEntries', {}],
      ['getCase', { caseId }],
      ['keyCard', {}],
      ['appendEntries', { entries: [{ kind: 'note', body: exampleBody('note', { caseId }) }] }],
      ['listDrafts', {}],
    ] as const) {
      expect(errorCode(await service.invoke(channel, request))).toBe('E_LOCKED');
    }

    expect(errorCode(await service.invoke('unlockVault', { passphrase: 'not the passphrase' }))).toBe('E_BAD_PASSPHRASE');
    const again = value(await service.invoke('unlockVault', { passphrase: PASS }));
    expect(again.entries).toBe(3);
    expect(value(await service.invoke('listEntries', { caseId })).total).toBe(2);
  });

  it('keeps drafts encrypted beside the vault', async () => {
    const secret = 'Source KESTREL says the pickup is at the north pier';
    value(await service.invoke('saveDraft', { key: 'new-case', data: { step: 2, text: secret } }));
    const drafts = value(await service.invoke('listDrafts', {}));
    expect(drafts.map((d) => d.key)).toEqual(['new-case']);
    expect(drafts[0]!.data).toEqual({ step: 2, text: secret });
    const onDisk = readFileSync(`${service.vaultPath}.drafts`, 'utf8');
    expect(onDisk).not.toContain('KESTREL');
    expect(value(await service.invoke('deleteDraft', { key: 'new-case' }))).toEqual({ deleted: true });
    expect(value(await service.invoke('listDrafts', {}))).toEqual([]);
  });

  it('writes the drafts’ changes not written yet when the vault locks, whatever locks it', async () => {
    const draft = async (key: string) => value(await service.invoke('listDrafts', {})).find((d) => d.key === key)?.data;
    // Staged, then saved: nothing is left for the lock.
    value(await service.invoke('stageDraft', { key: 'new-case', data: { text: 'one' } }));
    value(await service.invoke('saveDraft', { key: 'new-case', data: { text: 'one' } }));
    // Typed since: staged only, in memory.
    value(await service.invoke('stageDraft', { key: 'new-case', data: { text: 'one two' } }));
    expect(await draft('new-case')).toEqual({ text: 'one' });
    // A form discarded after staging: what it staged goes with it.
    value(await service.invoke('stageDraft', { key: 'discarded', data: { text: 'gone' } }));
    expect(value(await service.invoke('deleteDraft', { key: 'discarded' }))).toEqual({ deleted: false });
    // The system sleeps while a long call waits and a last change comes: staging is answered
    // at once, not behind the call, which the lock cancels; the lock writes the change.
    const answered: string[] = [];
    const waiting = service.invoke('verifyVault', {}).then((r) => (answered.push('verifyVault'), r));
    const staging = service.invoke('stageDraft', { key: 'new-case', data: { text: 'one two three' } }).then((r) => (answered.push('stageDraft'), r));
    const locking = service.lock('suspend');
    expect(errorCode(await waiting)).toBe('E_CANCELLED');
    expect(value(await staging)).toBeNull();
    expect(answered).toEqual(['stageDraft', 'verifyVault']);
    await locking;
    expect(states.at(-1)).toEqual({ locked: true, reason: 'suspend' });
    // Nothing can be staged while locked.
    expect(errorCode(await service.invoke('stageDraft', { key: 'new-case', data: { text: 'x' } }))).toBe('E_LOCKED');
    value(await service.invoke('unlockVault', { passphrase: PASS }));
    expect(await draft('new-case')).toEqual({ text: 'one two three' });
    expect(await draft('discarded')).toBeUndefined();
    // Staged and saved with later values before the lock: the lock writes nothing older over it.
    value(await service.invoke('stageDraft', { key: 'new-case', data: { text: 'four' } }));
    value(await service.invoke('saveDraft', { key: 'new-case', data: { text: 'four five' } }));
    await service.lock('lock-screen');
    value(await service.invoke('unlockVault', { passphrase: PASS }));
    expect(await draft('new-case')).toEqual({ text: 'four five' });
    // Staging is held to a draft's limits, and to what may wait at once.
    expect(errorCode(await service.invoke('stageDraft', { key: 'big', data: { text: 'x'.repeat(DRAFT_MAX_BYTES) } }))).toBe('E_USAGE');
    const quarter = { text: 'x'.repeat(DRAFT_MAX_BYTES - 100) };
    for (const key of ['q1', 'q2', 'q3', 'q4']) value(await service.invoke('stageDraft', { key, data: quarter }));
    expect(errorCode(await service.invoke('stageDraft', { key: 'q5', data: quarter }))).toBe('E_USAGE');
    // A change to one of them replaces it rather than adding to what waits.
    value(await service.invoke('stageDraft', { key: 'q4', data: { text: 'short now' } }));
    value(await service.invoke('stageDraft', { key: 'q5', data: quarter }));
    for (const key of ['q1', 'q2', 'q3', 'q4', 'q5']) value(await service.invoke('deleteDraft', { key }));
    // One change that cannot be written (the drafts are full) neither stops the lock nor
    // takes the changes after it with it.
    for (let i = 1; i < DRAFT_MAX_COUNT; i++) value(await service.invoke('saveDraft', { key: `d${i}`, data: i }));
    value(await service.invoke('stageDraft', { key: 'no-room', data: { text: 'does not fit' } }));
    value(await service.invoke('stageDraft', { key: 'd1', data: { text: 'changed, and fits' } }));
    value(await service.invoke('lockVault', {}));
    expect(service.isUnlocked).toBe(false);
    value(await service.invoke('unlockVault', { passphrase: PASS }));
    const kept = value(await service.invoke('listDrafts', {}));
    expect(kept).toHaveLength(DRAFT_MAX_COUNT);
    expect(kept.map((d) => d.key)).not.toContain('no-room');
    expect(await draft('d1')).toEqual({ text: 'changed, and fits' });
    for (const d of kept) value(await service.invoke('deleteDraft', { key: d.key }));
  });

  it('holds the drafts together to DRAFTS_MAX_TOTAL_BYTES, saved or written by a lock', async () => {
    const big = { text: 'x'.repeat(DRAFTS_MAX_TOTAL_BYTES / 4 - 1024) };
    for (const key of ['b1', 'b2', 'b3', 'b4']) value(await service.invoke('saveDraft', { key, data: big }));
    const over = await service.invoke('saveDraft', { key: 'b5', data: { text: 'x'.repeat(4096) } });
    expect(errorCode(over)).toBe('E_USAGE');
    // A change that does not make them larger is taken.
    value(await service.invoke('saveDraft', { key: 'b4', data: { text: 'smaller now' } }));
    value(await service.invoke('saveDraft', { key: 'b5', data: { text: 'x'.repeat(4096) } }));
    // At a lock, a change past the limit is left out and the others written.
    value(await service.invoke('stageDraft', { key: 'b6', data: big }));
    value(await service.invoke('stageDraft', { key: 'b4', data: { text: 'changed again' } }));
    await service.lock('idle');
    value(await service.invoke('unlockVault', { passphrase: PASS }));
    const kept = Object.fromEntries(value(await service.invoke('listDrafts', {})).map((d) => [d.key, d.data]));
    expect(Object.keys(kept).sort()).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    expect(kept.b4).toEqual({ text: 'changed again' });
    for (const key of Object.keys(kept)) value(await service.invoke('deleteDraft', { key }));
  });

  it('asks for the current passphrase before changing it', async () => {
    expect(errorCode(await service.invoke('changePassphrase', { current: 'wrong passphrase', next: 'a new passphrase' }))).toBe('E_BAD_PASSPHRASE');
    value(await service.invoke('changePassphrase', { current: PASS, next: 'a new passphrase' }));
    await service.lock('idle');
    expect(states.at(-1)).toEqual({ locked: true, reason: 'idle' });
    expect(errorCode(await service.invoke('unlockVault', { passphrase: PASS }))).toBe('E_BAD_PASSPHRASE');
    value(await service.invoke('unlockVault', { passphrase: 'a new passphrase' }));
  });

  it('backs up only to the file the main process chose', async () => {
    expect(errorCode(await service.invoke('backupVault', {}))).toBe('E_USAGE');
    const out = path.join(dir, 'backup.tearline');
    const result = value(await service.invoke('backupVault', {}, { file: out }));
    expect(result.path).toBe(out);
    expect(existsSync(out)).toBe(true);
  });

  it('stops a long operation when it is cancelled, and when a lock is requested', async () => {
    const signal = { cancelled: true };
    expect(errorCode(await service.invoke('verifyVault', {}, { signal }))).toBe('E_CANCELLED');

    // Cancelled from inside its own progress report, as the router's shared flag would be.
    const flag = { cancelled: false };
    const cancelled = await service.invoke('verifyVault', {}, { signal: flag, onProgress: () => (flag.cancelled = true) });
    expect(errorCode(cancelled)).toBe('E_CANCELLED');

    // A lock requested while a call waits pre-empts it, then wipes the keys.
    const pending = service.invoke('verifyVault', {});
    const locking = service.lock('lock-screen');
    expect(errorCode(await pending)).toBe('E_CANCELLED');
    await locking;
    expect(service.isUnlocked).toBe(false);
    expect(states.at(-1)).toEqual({ locked: true, reason: 'lock-screen' });
  });
});
