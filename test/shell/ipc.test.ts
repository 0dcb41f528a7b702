/**
 * The main process's IPC wrapper with a mocked `electron`: which channels it registers, and
 * for each call the sender check, the payload check, the unknown-channel refusal and the
 * mapping of every failure to a result with a stable code. Then the routing behind it:
 * main handlers, core calls, and files that come only from the main process's dialogs.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TearlineError } from '../../shared/errors';
import { CHANNEL_NAMES, EVENT_CHANNEL, fail, ok, type IpcResult } from '../../shared/ipc';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { createDispatcher, installIpc, senderProblem, sendEvent } = await import('../../electron/main/ipc');
const { createRoute } = await import('../../electron/main/routes');

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

function fakeSender(id: number, url = 'app://tearline/index.html') {
  const mainFrame: FakeFrame = { url, parent: null, processId: 7, routingId: 1 };
  return { id, mainFrame };
}

function eventFrom(sender: ReturnType<typeof fakeSender>, frame: FakeFrame | null = sender.mainFrame) {
  return { sender, senderFrame: frame } as never;
}

const OURS = 1;
const ours = fakeSender(OURS);
const isOurWebContents = (contents: { id: number }) => contents.id === OURS;

function errorOf(result: IpcResult<unknown>) {
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

describe('installIpc', () => {
  beforeEach(() => handlers.clear());

  it('registers exactly one handler per contract channel, and removes them', () => {
    const uninstall = installIpc(async () => ok(null));
    expect([...handlers.keys()].sort()).toEqual(CHANNEL_NAMES.map((n) => `tearline:${n}`).sort());
    expect(handlers.has('tearline:bogus')).toBe(false);
    uninstall();
    expect(handlers.size).toBe(0);
  });

  it('passes the channel name, the event and the first argument only to the dispatcher', async () => {
    const seen: unknown[] = [];
    installIpc(async (name, event, payload) => {
      seen.push(name, event, payload);
      return ok(null);
    });
    const event = eventFrom(ours);
    await handlers.get('tearline:vaultStatus')!(event, { a: 1 }, 'ignored');
    expect(seen).toEqual(['vaultStatus', event, { a: 1 }]);
  });
});

describe('the dispatcher', () => {
  const route = vi.fn(async (name: string, request: unknown): Promise<IpcResult<unknown>> => {
    if (name === 'vaultStatus') return ok({ state: 'absent', vault: null });
    if (name === 'listEntries') return ok({ total: 0, items: [], echo: request });
    return ok(null);
  });
  const log = vi.fn();
  const dispatch = createDispatcher({ isOurWebContents: isOurWebContents as never, route: route as never, log });

  beforeEach(() => {
    route.mockClear();
    log.mockClear();
  });

  it('routes a well-formed call from our window and checks the response', async () => {
    expect(await dispatch('vaultStatus', eventFrom(ours), {})).toEqual({ ok: true, value: { state: 'absent', vault: null } });
    expect(route).toHaveBeenCalledWith('vaultStatus', {}, { sender: ours });
  });

  it('refuses an unknown channel', async () => {
    for (const name of ['bogus', 'tearline:vaultStatus', '__proto__', 'constructor', 'toString', '']) {
      expect(errorOf(await dispatch(name, eventFrom(ours), {})).code).toBe('E_USAGE');
    }
    expect(route).not.toHaveBeenCalled();
  });

  it('refuses a sender that is not a window of ours', async () => {
    const stranger = fakeSender(2);
    const error = errorOf(await dispatch('vaultStatus', eventFrom(stranger), {}));
    expect(error).toMatchObject({ code: 'E_USAGE' });
    expect(error.message).toMatch(/not a window of this app/);
    expect(route).not.toHaveBeenCalled();
  });

  it('refuses the wrong origin', async () => {
    for (const url of ['https://example.org/', 'file:///work/dist/renderer/index.html', 'app://evil/index.html', 'app://tearline.evil/', 'devtools://devtools/', 'about:blank', 'data:text/html,x']) {
      const sender = fakeSender(OURS, url);
      expect(errorOf(await dispatch('vaultStatus', eventFrom(sender), {})).message, url).toMatch(/not the app origin/);
    }
    expect(route).not.toHaveBeenCalled();
  });

  it('refuses a subframe, and a frame that is not the main frame', async () => {
    const sub: FakeFrame = { url: 'app://tearline/index.html', parent: ours.mainFrame, processId: 7, routingId: 2 };
    expect(errorOf(await dispatch('vaultStatus', eventFrom(ours, sub), {})).message).toMatch(/not the main frame/);
    const detachedTop: FakeFrame = { url: 'app://tearline/index.html', parent: null, processId: 7, routingId: 3 };
    expect(errorOf(await dispatch('vaultStatus', eventFrom(ours, detachedTop), {})).message).toMatch(/not the main frame/);
    expect(errorOf(await dispatch('vaultStatus', eventFrom(ours, null), {})).message).toMatch(/frame is gone/);
    expect(route).not.toHaveBeenCalled();
  });

  it('refuses a payload that does not match the schema, naming the field', async () => {
    expect(errorOf(await dispatch('unlockVault', eventFrom(ours), { passphrase: '' }))).toMatchObject({ code: 'E_USAGE', at: 'passphrase' });
    expect(errorOf(await dispatch('unlockVault', eventFrom(ours), { passphrase: 'x', vaultPath: '/tmp/other' }))).toMatchObject({ code: 'E_USAGE' });
    expect(errorOf(await dispatch('getEntry', eventFrom(ours), { id: "1' OR '1'='1" }))).toMatchObject({ code: 'E_USAGE', at: 'id' });
    expect(errorOf(await dispatch('vaultStatus', eventFrom(ours), 'not an object')).code).toBe('E_USAGE');
    expect(errorOf(await dispatch('appendEntries', eventFrom(ours), { entries: [{ kind: 'vault.created', body: {} }] }))).toMatchObject({ code: 'E_USAGE', at: 'entries.0.kind' });
    // The renderer never names a file: a path in a request is refused.
    expect(errorOf(await dispatch('backupVault', eventFrom(ours), { file: '/etc/passwd' })).code).toBe('E_USAGE');
    expect(route).not.toHaveBeenCalled();
  });

  it('passes defaults on to the route, parsed', async () => {
    await dispatch('listCases', eventFrom(ours), {});
    expect(route).toHaveBeenCalledWith('listCases', { offset: 0, limit: 200, order: 'desc' }, { sender: ours });
  });

  it('maps failures to stable codes', async () => {
    const failing = (thrown: unknown) =>
      createDispatcher({
        isOurWebContents: isOurWebContents as never,
        route: async () => {
          throw thrown;
        },
        log,
      });
    expect(errorOf(await failing(new TearlineError('E_LOCKED', 'the vault is locked'))('vaultStatus', eventFrom(ours), {}))).toEqual({
      code: 'E_LOCKED',
      message: 'the vault is locked',
    });
    const internal = errorOf(await failing(new Error('ENOENT /home/officer/secret path'))('vaultStatus', eventFrom(ours), {}));
    expect(internal.code).toBe('E_INTERNAL');
    expect(internal.message).not.toContain('/home/officer');
    expect(log).toHaveBeenCalled();

    const passthrough = createDispatcher({ isOurWebContents: isOurWebContents as never, route: async () => fail('E_BAD_PASSPHRASE', 'wrong'), log });
    expect(errorOf(await passthrough('unlockVault', eventFrom(ours), { passphrase: 'x' })).code).toBe('E_BAD_PASSPHRASE');
  });

  it('refuses a response that does not match the contract (nothing rides along)', async () => {
    const leaky = createDispatcher({
      isOurWebContents: isOurWebContents as never,
      route: async () => ok({ state: 'absent', vault: null, masterKey: 'AAAA' }),
      log,
    });
    expect(errorOf(await leaky('vaultStatus', eventFrom(ours), {})).code).toBe('E_INTERNAL');
  });
});

describe('senderProblem', () => {
  it('accepts only the main frame of our window at app://tearline', () => {
    expect(senderProblem(eventFrom(ours), isOurWebContents as never)).toBeUndefined();
    expect(senderProblem(eventFrom(fakeSender(OURS, 'app://tearline/#/cases?x=1')), isOurWebContents as never)).toBeUndefined();
    expect(senderProblem(eventFrom(fakeSender(OURS, 'app://tearline:1/')), isOurWebContents as never)).toMatch(/origin/);
  });
});

describe('sendEvent', () => {
  it('sends the event payload on the event channel, and nothing to a destroyed window', () => {
    const send = vi.fn();
    sendEvent({ isDestroyed: () => false, send } as never, { type: 'locked', reason: 'idle' });
    expect(send).toHaveBeenCalledWith(EVENT_CHANNEL, { type: 'locked', reason: 'idle' });
    const gone = vi.fn();
    sendEvent({ isDestroyed: () => true, send: gone } as never, { type: 'unlocked' });
    expect(gone).not.toHaveBeenCalled();
  });
});

describe('createRoute', () => {
  const sender = { sender: ours } as never;
  const mainHandlers = {
    appInfo: vi.fn(() => ({ name: 'Tearline', version: '0.1.0', electron: '39', chrome: '142', platform: 'linux', packaged: false })),
    getSettings: vi.fn(() => ({ autoLockMinutes: 10, clipboardClearSeconds: 30 })),
    updateSettings: vi.fn(() => ({ autoLockMinutes: 5, clipboardClearSeconds: 30 })),
    copyToClipboard: vi.fn(() => ({ clearsAfterSeconds: 30 })),
    cancel: vi.fn(() => ({ cancelled: true })),
  };

  function setup(chosen: string | undefined) {
    const core = { call: vi.fn(async () => ok({ path: chosen ?? '', size: 3 })) };
    const chooseFile = vi.fn(async () => chosen);
    return { core, chooseFile, route: createRoute({ core, main: mainHandlers, chooseFile }) };
  }

  it('serves main channels in the main process', async () => {
    const { core, route } = setup(undefined);
    expect(await route('getSettings', {}, sender)).toEqual(ok({ autoLockMinutes: 10, clipboardClearSeconds: 30 }));
    expect(core.call).not.toHaveBeenCalled();
  });

  it('forwards core channels with their operation id', async () => {
    const { core, chooseFile, route } = setup(undefined);
    await route('unlockVault', { passphrase: 'p', operationId: 'op-1' }, sender);
    expect(core.call).toHaveBeenCalledWith('unlockVault', { passphrase: 'p', operationId: 'op-1' }, { operationId: 'op-1' });
    expect(chooseFile).not.toHaveBeenCalled();
  });

  it('asks the main process dialog for the file, and sends the path beside the request', async () => {
    const { core, chooseFile, route } = setup('/home/officer/backup.tearline');
    await route('backupVault', { operationId: 'b1' }, sender);
    expect(chooseFile).toHaveBeenCalledWith(expect.objectContaining({ mode: 'save' }), sender);
    expect(core.call).toHaveBeenCalledWith('backupVault', { operationId: 'b1' }, { file: '/home/officer/backup.tearline', operationId: 'b1' });
  });

  it('stops when the officer cancels the dialog', async () => {
    const { core, route } = setup(undefined);
    expect(await route('backupVault', {}, sender)).toEqual(fail('E_CANCELLED', 'no file was chosen'));
    expect(core.call).not.toHaveBeenCalled();
  });
});
