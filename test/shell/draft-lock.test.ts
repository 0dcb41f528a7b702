/**
 * Drafts and locks through the core process's own message path (CoreRouter on its main
 * thread, CoreHost on the worker, messages delivered a turn later as postMessage delivers
 * them), on a real vault: a lock that arrives while draft calls are still on their way
 * cancels those calls, and must still write what they carried.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcResult, LockReason } from '../../shared/ipc';
import { CoreHost } from '../../electron/host/core-host';
import { CoreRouter } from '../../electron/host/core-router';
import type { FromCore } from '../../electron/host/messages';

const PASS = 'correct horse battery staple';

describe('drafts on their way when the vault locks', () => {
  let dir: string;
  let host: CoreHost;
  let router: CoreRouter;
  const answers = new Map<number, (result: IpcResult<unknown>) => void>();
  let nextId = 1;

  function call(channel: string, request: unknown): Promise<IpcResult<unknown>> {
    const id = nextId++;
    return new Promise((resolve) => {
      answers.set(id, resolve);
      router.fromParent({ type: 'call', id, channel, request });
    });
  }
  async function value(channel: string, request: unknown): Promise<unknown> {
    const result = await call(channel, request);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value;
  }
  function lock(reason: LockReason): void {
    router.fromParent({ type: 'lock', reason });
  }
  async function draftsAfterUnlock(): Promise<Record<string, unknown>> {
    // The lock runs in turn on the worker; the unlock queues behind it.
    await value('unlockVault', { passphrase: PASS });
    const drafts = (await value('listDrafts', {})) as { key: string; data: unknown }[];
    return Object.fromEntries(drafts.map((d) => [d.key, d.data]));
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tearline-draft-lock-'));
    router = new CoreRouter(
      (message) => setImmediate(() => host.handle(message)),
      (message: FromCore) => {
        if (message.type === 'result') answers.get(message.id)?.(message.result);
      },
    );
    host = new CoreHost({ vaultPath: path.join(dir, 'vault.tearline') }, (message) => setImmediate(() => router.fromWorker(message)));
    await value('createVault', { name: 'W', passphrase: PASS, kdf: 'interactive' });
  });
  afterAll(() => {
    host.service.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a staged change that had not reached the core when the system began to sleep', async () => {
    await value('saveDraft', { key: 'a', data: { text: 'saved' } });
    const staged = call('stageDraft', { key: 'a', data: { text: 'saved, then typed' } });
    lock('suspend');
    await staged;
    expect(host.service.isUnlocked).toBe(false);
    expect((await draftsAfterUnlock()).a).toEqual({ text: 'saved, then typed' });
  });

  it('writes the values of a save that the lock cancelled, not the older ones staged before it', async () => {
    await value('stageDraft', { key: 'b', data: { text: 'older' } });
    const saving = call('saveDraft', { key: 'b', data: { text: 'newer' } });
    lock('lock-screen');
    expect(await saving).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } });
    expect((await draftsAfterUnlock()).b).toEqual({ text: 'newer' });
  });

  it('deletes a discarded draft whose delete the lock cancelled, instead of bringing it back', async () => {
    await value('saveDraft', { key: 'c', data: { text: 'the record was saved' } });
    await value('stageDraft', { key: 'c', data: { text: 'the record was saved, really' } });
    const deleting = call('deleteDraft', { key: 'c' });
    lock('suspend');
    expect(await deleting).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } });
    expect(await draftsAfterUnlock()).not.toHaveProperty('c');
  });

  it('takes the last of a draft’s calls as its state, whichever of them the lock cancelled', async () => {
    // Discarded, then typed into again (a new form under the same key): the typing wins.
    const calls = [
      call('stageDraft', { key: 'd', data: { text: 'first form' } }),
      call('deleteDraft', { key: 'd' }),
      call('stageDraft', { key: 'd', data: { text: 'second form' } }),
      call('lockVault', {}),
    ];
    await Promise.all(calls);
    expect(host.service.isUnlocked).toBe(false);
    expect((await draftsAfterUnlock()).d).toEqual({ text: 'second form' });
  });
});
