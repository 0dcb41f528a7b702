/**
 * The preload with a mocked `electron`: it exposes one object, `tearline`, holding exactly
 * the contract's functions plus `onEvent`; calls go out on the channel's IPC name; events
 * arrive without the IPC event object; unsubscribing removes the listener.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES, EVENT_CHANNEL, type TearlineApi } from '../../shared/ipc';

const exposed: { key: string; api: unknown }[] = [];
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
const ipcRenderer = {
  invoke: vi.fn(async (channel: string, request: unknown) => ({ ok: true, value: { channel, request } })),
  on: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel)!.add(listener);
  }),
  removeListener: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
    listeners.get(channel)?.delete(listener);
  }),
  send: vi.fn(),
  sendSync: vi.fn(),
};
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push({ key, api }) },
  ipcRenderer,
}));

let api: TearlineApi;

beforeAll(async () => {
  await import('../../electron/preload/preload');
  api = exposed[0]!.api as TearlineApi;
});

function emit(payload: unknown): void {
  const fakeEvent = { sender: ipcRenderer, senderId: 0, ports: [] };
  for (const listener of listeners.get(EVENT_CHANNEL) ?? []) listener(fakeEvent, payload);
}

describe('the preload', () => {
  it('exposes one object, window.tearline', () => {
    expect(exposed.map((e) => e.key)).toEqual(['tearline']);
  });

  it("exposes exactly the contract's functions and onEvent, and nothing of Electron", () => {
    expect(Object.keys(api).sort()).toEqual([...CHANNEL_NAMES, 'onEvent'].sort());
    for (const value of Object.values(api)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(ipcRenderer.invoke);
      expect(value).not.toBe(ipcRenderer.on);
    }
    expect(Object.values(api)).not.toContain(ipcRenderer);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it("sends each call on its channel's IPC name, with the request as given", async () => {
    const result = await api.listEntries({ search: 'harbour', limit: 10 });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('tearline:listEntries', { search: 'harbour', limit: 10 });
    expect(result).toEqual({ ok: true, value: { channel: 'tearline:listEntries', request: { search: 'harbour', limit: 10 } } });
    await api.vaultStatus();
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('tearline:vaultStatus', {});
  });

  it('turns a failed delivery into a result, never a rejection', async () => {
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'tearline:keyCard'"));
    expect(await api.keyCard()).toEqual({ ok: false, error: { code: 'E_INTERNAL', message: 'the call could not be delivered' } });
  });

  it('delivers events without the IPC event object, and unsubscribes', () => {
    const received: unknown[] = [];
    const unsubscribe = api.onEvent((event) => received.push(event));
    emit({ type: 'locked', reason: 'idle' });
    emit({ type: 'progress', operationId: 'op-1', channel: 'unlockVault', phase: 'decrypt', done: 5, total: 10 });
    expect(received).toEqual([
      { type: 'locked', reason: 'idle' },
      { type: 'progress', operationId: 'op-1', channel: 'unlockVault', phase: 'decrypt', done: 5, total: 10 },
    ]);
    unsubscribe();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith(EVENT_CHANNEL, expect.any(Function));
    emit({ type: 'unlocked' });
    expect(received).toHaveLength(2);
  });

  it('drops event payloads that are not in the contract', () => {
    const received: unknown[] = [];
    const unsubscribe = api.onEvent((event) => received.push(event));
    emit({ type: 'locked', reason: 'idle', key: 'AAAA' });
    emit({ type: 'shell', command: 'rm -rf /' });
    emit('locked');
    expect(received).toEqual([]);
    unsubscribe();
  });

  it('never sends synchronously or one-way', () => {
    expect(ipcRenderer.send).not.toHaveBeenCalled();
    expect(ipcRenderer.sendSync).not.toHaveBeenCalled();
  });
});
