/**
 * The path a call takes between the main process and the keys, without Electron: the main
 * process's CoreClient, a stand-in for the utility process's message port (messages are
 * structured-cloned, as over the real port), the router with its shared-memory cancel
 * flags, and the worker-side host with a CoreService on a real vault.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcResult, LockReason, ProgressEvent } from '../../shared/ipc';
import { CoreHost } from '../../electron/host/core-host';
import { CoreRouter } from '../../electron/host/core-router';
import { coreArgv, parseCoreArgv, type FromCore, type ToCore } from '../../electron/host/messages';
import { CoreClient, type CoreChild } from '../../electron/main/core-client';
import { coreEnvironment, coreForkOptions } from '../../electron/main/core-spawn';

const PASS = 'a passphrase for the pipeline';

/** One "utility process": a router and a host, wired as core-process.ts wires them. */
class FakeCoreProcess extends EventEmitter implements CoreChild {
  readonly host: CoreHost;
  readonly router: CoreRouter;
  killed = false;
  /** What the main process sent, for inspection. */
  readonly sent: ToCore[] = [];

  constructor(vaultPath: string) {
    super();
    const args = parseCoreArgv(coreArgv({ vaultPath }));
    this.host = new CoreHost(args, (message) => this.router.fromWorker(message));
    this.router = new CoreRouter(
      (message) => this.host.handle(message),
      (message: FromCore) => this.emit('message', structuredClone(message)),
    );
  }

  postMessage(message: ToCore): void {
    this.sent.push(message);
    this.router.fromParent(structuredClone(message));
  }

  kill(): boolean {
    this.killed = true;
    this.host.service.dispose();
    this.emit('exit', 0);
    return true;
  }
}

function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('main process ↔ core process', () => {
  let dir: string;
  let vaultPath: string;
  const processes: FakeCoreProcess[] = [];
  const progress: ProgressEvent[] = [];
  const states: (LockReason | 'unlocked')[] = [];
  let onProgress: (event: ProgressEvent) => void = () => undefined;
  let client: CoreClient;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tearline-core-process-'));
    vaultPath = path.join(dir, 'vault.tearline');
    client = new CoreClient(
      () => {
        const child = new FakeCoreProcess(vaultPath);
        processes.push(child);
        return child;
      },
      {
        onProgress: (event) => {
          progress.push(event);
          onProgress(event);
        },
        onLocked: (reason) => states.push(reason),
        onUnlocked: () => states.push('unlocked'),
      },
    );
  });

  afterAll(() => {
    for (const p of processes) p.host.service.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the core at the first call, creates a vault and reports progress under the operation id', async () => {
    const info = value(await client.call('createVault', { name: 'Desk 9', passphrase: PASS, kdf: 'interactive', operationId: 'create-1' }, { operationId: 'create-1' }));
    expect(info).toMatchObject({ name: 'Desk 9', entries: 1 });
    expect(processes).toHaveLength(1);
    expect(progress.filter((p) => p.operationId === 'create-1').map((p) => p.phase)).toContain('kdf');
    expect(states).toEqual(['unlocked']);
    expect(client.isUnlocked).toBe(true);
  });

  it('locks on request, without a reply, and reports why', async () => {
    client.lock('idle');
    // Calls are served in order, so once this one answers the lock has run.
    value(await client.call('vaultStatus', {}));
    expect(states.at(-1)).toBe('idle');
    expect(client.isUnlocked).toBe(false);
    expect(value(await client.call('vaultStatus', {}))).toEqual({ state: 'locked', vault: null });
    const locked = await client.call('listEntries', {});
    expect(locked.ok ? undefined : locked.error.code).toBe('E_LOCKED');
  });

  it('cancels a running unlock through the shared flag, mid-loop', async () => {
    onProgress = (event) => {
      if (event.operationId === 'unlock-1' && event.phase === 'decrypt') client.cancel('unlock-1');
    };
    const result = await client.call('unlockVault', { passphrase: PASS, operationId: 'unlock-1' }, { operationId: 'unlock-1' });
    onProgress = () => undefined;
    expect(result.ok ? undefined : result.error.code).toBe('E_CANCELLED');
    expect(processes[0]!.sent.some((m) => m.type === 'cancel' && m.operationId === 'unlock-1')).toBe(true);
    expect(client.isUnlocked).toBe(false);
    expect(client.cancel('unlock-1')).toBe(false);
    value(await client.call('unlockVault', { passphrase: PASS }));
    expect(client.isUnlocked).toBe(true);
  });

  it('delivers every answer, even an error about a field name thousands of characters long', async () => {
    const long = 'x'.repeat(3000);
    const result = await client.call('appendEntries', { entries: [{ kind: 'note', body: { [long]: 'text' } }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('E_INVALID_ENTRY');
    expect(result.error.message.length).toBeLessThanOrEqual(2000);
    expect((result.error.at ?? '').length).toBeLessThanOrEqual(500);
  });

  it('ends a call whose answer does not match the contract, instead of leaving it waiting', async () => {
    const core = processes[0]!;
    const waiting = client.call('vaultStatus', {});
    const sent = core.sent.at(-1) as { id: number };
    // Answered before the real answer arrives (which then finds no call waiting).
    core.emit('message', { type: 'result', id: sent.id, result: { ok: true, value: 1, extra: 'not in the contract' } });
    const result = await waiting;
    expect(result.ok ? undefined : result.error.code).toBe('E_INTERNAL');
  });

  it('treats a stopped core as locked, fails what waited, and starts a new one', async () => {
    const waiting = client.call('vaultStatus', {});
    processes[0]!.kill();
    const result = await waiting;
    expect(result.ok ? undefined : result.error.code).toBe('E_INTERNAL');
    expect(states.at(-1)).toBe('core-stopped');
    expect(client.isUnlocked).toBe(false);
    expect(value(await client.call('vaultStatus', {}))).toEqual({ state: 'locked', vault: null });
    expect(processes).toHaveLength(2);
  });

  it('ends the core at quit', async () => {
    value(await client.call('unlockVault', { passphrase: PASS }));
    client.stop();
    expect(processes[1]!.killed).toBe(true);
    expect(processes[1]!.host.service.isUnlocked).toBe(false);
  });
});

describe('a lock while the core is busy', () => {
  it('is shown at once, and ends the core if it does not confirm the lock in time', async () => {
    // A core that has unlocked, and whose thread is then stuck: it takes no more messages.
    class StuckCore extends EventEmitter implements CoreChild {
      killed = false;
      postMessage(message: ToCore): void {
        if (message.type === 'call') this.emit('message', { type: 'state', locked: false });
      }
      kill(): boolean {
        this.killed = true;
        this.emit('exit', 1);
        return true;
      }
    }
    const core = new StuckCore();
    const states: string[] = [];
    const client = new CoreClient(() => core, { onProgress: () => undefined, onLocked: (r) => states.push(`locked:${r}`), onUnlocked: () => states.push('unlocked') }, 50);
    void client.call('vaultStatus', {});
    expect(client.isUnlocked).toBe(true);
    client.lock('suspend');
    expect(states).toEqual(['unlocked', 'locked:suspend']);
    expect(client.isUnlocked).toBe(false);
    expect(core.killed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(core.killed).toBe(true);
    // Reported once, not again when the process ends.
    expect(states).toEqual(['unlocked', 'locked:suspend']);
  });
});

describe('the router', () => {
  it('drops messages that are not ours', () => {
    const toWorker: unknown[] = [];
    const router = new CoreRouter((m) => toWorker.push(m), () => undefined);
    for (const junk of [null, 'call', { type: 'call' }, { type: 'eval', code: '1' }, { type: 'call', id: -1, channel: 'x', request: {} }]) router.fromParent(junk);
    expect(toWorker).toEqual([]);
  });
});

describe('the core process environment', () => {
  it('passes no NODE_OPTIONS or other variables to the process that holds keys', () => {
    const env = coreEnvironment({ HOME: '/home/o', TMPDIR: '/tmp', NODE_OPTIONS: '--require /tmp/evil.js', ELECTRON_RUN_AS_NODE: '1', PATH: '/usr/bin' });
    expect(env).toEqual({ HOME: '/home/o', TMPDIR: '/tmp' });
    expect(coreForkOptions({}).serviceName).toBe('Tearline core');
  });

  it('round-trips its arguments', () => {
    expect(parseCoreArgv(coreArgv({ vaultPath: '/v/vault.tearline', nativeBinding: '/n/b.node' }))).toEqual({ vaultPath: '/v/vault.tearline', nativeBinding: '/n/b.node' });
    expect(() => parseCoreArgv([])).toThrow(/--vault/);
  });
});
