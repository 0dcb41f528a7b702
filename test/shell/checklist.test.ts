/**
 * Electron's security checklist, all 20 items, asserted against the shell's real options
 * and handlers (https://www.electronjs.org/docs/latest/tutorial/security). Electron is not
 * launched: the session and web contents are recording fakes with Electron's method names.
 */
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL } from '../../shared/ipc';
import { isAppUrl } from '../../electron/main/app-url';
import { APP_SCHEME_PRIVILEGES, CONTENT_SECURITY_POLICY, registerAppScheme } from '../../electron/main/protocol';
import { CHROMIUM_SWITCHES, hardenSession, isAllowedRequest, SPELLCHECK_DICTIONARY_URL } from '../../electron/main/session';
import { hardenWebContents } from '../../electron/main/web-contents';

// The window module constructs Electron's BrowserWindow: record what it is given.
const created: BrowserWindowConstructorOptions[] = [];
vi.mock('electron', () => ({
  BrowserWindow: class {
    constructor(options: BrowserWindowConstructorOptions) {
      created.push(options);
    }
  },
}));
const { createMainWindow, SESSION_PARTITION } = await import('../../electron/main/window-options');

const root = path.resolve(__dirname, '..', '..');
const PRELOAD = '/app/dist/electron/preload.cjs';

type Listener = (...args: unknown[]) => unknown;

/** Records what hardenSession installs. */
function fakeSession() {
  const handlers: Record<string, Listener> = {};
  const events = new EventEmitter();
  const ses = {
    setPermissionRequestHandler: (h: Listener) => (handlers.permissionRequest = h),
    setPermissionCheckHandler: (h: Listener) => (handlers.permissionCheck = h),
    setDevicePermissionHandler: (h: Listener) => (handlers.devicePermission = h),
    setDisplayMediaRequestHandler: (h: Listener) => (handlers.displayMedia = h),
    setBluetoothPairingHandler: (h: Listener) => (handlers.bluetooth = h),
    setSpellCheckerDictionaryDownloadURL: (url: string) => (handlers.dictionaryUrl = () => url),
    on: (event: string, listener: Listener) => events.on(event, listener),
    webRequest: { onBeforeRequest: (h: Listener) => (handlers.beforeRequest = h) },
  };
  return { ses: ses as unknown as Session, handlers, events };
}

/** Records what hardenWebContents installs. */
function fakeContents() {
  const events = new EventEmitter();
  let openHandler: Listener | undefined;
  const contents = Object.assign(events, {
    setWindowOpenHandler: (h: Listener) => (openHandler = h),
  });
  return { contents: contents as unknown as WebContents, events, openHandler: () => openHandler };
}

function preventable(url = 'https://example.org/') {
  let prevented = false;
  return { url, preventDefault: () => (prevented = true), get prevented() { return prevented; } };
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(name)) out.push(p);
  }
  return out;
}

function windowOptions(devTools: boolean): BrowserWindowConstructorOptions {
  createMainWindow({ preload: PRELOAD, devTools });
  return created.at(-1)!;
}
const prefs = windowOptions(false).webPreferences!;

describe("Electron's security checklist", () => {
  it('1. only loads secure content: app:// is a secure scheme, and nothing else is requested', () => {
    expect(APP_ENTRY_URL).toBe('app://tearline/index.html');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    for (const url of ['http://example.org/x.js', 'https://example.org/x.js', 'ws://example.org', 'ftp://example.org/f']) {
      expect(isAllowedRequest(url, { devTools: false })).toBe(false);
    }
    expect(isAllowedRequest('app://tearline/assets/app.js', { devTools: false })).toBe(true);
  });

  it('2. no Node.js integration in the renderer, its workers or its frames', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('3. context isolation', () => {
    expect(prefs.contextIsolation).toBe(true);
  });

  it('4. process sandboxing, for this window and for every renderer (app.enableSandbox)', () => {
    expect(prefs.sandbox).toBe(true);
    const main = readFileSync(path.join(root, 'electron/main/main.ts'), 'utf8');
    expect(main).toMatch(/^app\.enableSandbox\(\);$/m);
  });

  it('5. every permission request and check is denied', () => {
    const { ses, handlers, events } = fakeSession();
    hardenSession(ses, { devTools: false });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem']) {
      let granted: boolean | undefined;
      handlers.permissionRequest!({}, permission, (g: boolean) => (granted = g), {});
      expect(granted).toBe(false);
      expect(handlers.permissionCheck!(null, permission, 'app://tearline', {})).toBe(false);
    }
    expect(handlers.devicePermission!({ deviceType: 'usb' })).toBe(false);
    let streams: unknown;
    handlers.displayMedia!({}, (s: unknown) => (streams = s));
    expect(streams).toEqual({});
    let pairing: unknown;
    handlers.bluetooth!({}, (r: unknown) => (pairing = r));
    expect(pairing).toEqual({ confirmed: false });
    for (const chooser of ['select-hid-device', 'select-usb-device']) {
      const event = preventable();
      let chosen: unknown = 'not called';
      events.emit(chooser, event, {}, (id?: string) => (chosen = id));
      expect(event.prevented).toBe(true);
      expect(chosen).toBeUndefined();
    }
    const serial = preventable();
    let port: unknown;
    events.emit('select-serial-port', serial, [], {}, (id: string) => (port = id));
    expect(serial.prevented).toBe(true);
    expect(port).toBe('');
    const download = preventable();
    events.emit('will-download', download, {}, {});
    expect(download.prevented).toBe(true);
    // Spellchecking never downloads dictionaries from the network.
    expect(handlers.dictionaryUrl!()).toBe(SPELLCHECK_DICTIONARY_URL);
    expect(isAppUrl(SPELLCHECK_DICTIONARY_URL)).toBe(true);
  });

  it('6. web security stays on', () => {
    expect(prefs.webSecurity).toBe(true);
  });

  it("7. a Content-Security-Policy, default-src 'none', no inline script or eval", () => {
    expect(CONTENT_SECURITY_POLICY.split('; ')[0]).toBe("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('8. no insecure content', () => {
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });

  it('9. no experimental features', () => {
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('10. no enableBlinkFeatures', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('11 and 12. no <webview>: the tag is off and an attach is refused', () => {
    expect(prefs.webviewTag).toBe(false);
    const { contents, events } = fakeContents();
    hardenWebContents(contents);
    const attach = preventable();
    events.emit('will-attach-webview', attach, { allowpopups: true }, {});
    expect(attach.prevented).toBe(true);
  });

  it('13. no navigation, no redirect, in any frame; a dropped file does not navigate', () => {
    const { contents, events } = fakeContents();
    hardenWebContents(contents);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const url of ['https://example.org/', 'file:///etc/passwd', 'app://tearline/index.html']) {
        const e = preventable(url);
        events.emit(event, e, url);
        expect(e.prevented, `${event} ${url}`).toBe(true);
      }
    }
    expect(prefs.navigateOnDragDrop).toBe(false);
  });

  it('14. no new windows', () => {
    const { contents, openHandler } = fakeContents();
    hardenWebContents(contents);
    expect(openHandler()!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(openHandler()!({ url: 'app://tearline/index.html' })).toEqual({ action: 'deny' });
    expect(prefs.disableBlinkFeatures).toContain('Auxclick');
  });

  it('15. shell.openExternal is never used (nor shell at all)', () => {
    for (const file of [...sourceFiles(path.join(root, 'electron')), ...sourceFiles(path.join(root, 'renderer'))]) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\bopenExternal\s*\(/);
      expect(text, file).not.toMatch(/import\s*\{[^}]*\bshell\b[^}]*\}\s*from\s*['"]electron['"]/);
    }
  });

  it('16. a current Electron', () => {
    const electron = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
    expect(Number(electron.version.split('.')[0])).toBeGreaterThanOrEqual(39);
  });

  it('17. IPC senders are validated (see ipc.test.ts): the wrapper checks frame, origin and window', () => {
    const ipc = readFileSync(path.join(root, 'electron/main/ipc.ts'), 'utf8');
    expect(ipc).toContain('senderProblem(event');
  });

  it('18. no file://: the app is served from app://, and file: requests are cancelled', () => {
    expect(isAllowedRequest('file:///etc/passwd', { devTools: false })).toBe(false);
    expect(isAllowedRequest('file:///etc/passwd', { devTools: true })).toBe(false);
    let registered: unknown;
    registerAppScheme({ registerSchemesAsPrivileged: (schemes) => (registered = schemes) });
    expect(registered).toEqual([APP_SCHEME_PRIVILEGES]);
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('corsEnabled');
  });

  it('19. the fuses are set in electron-builder.yml (see builder-config.test.ts)', () => {
    const yml = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
    for (const line of ['runAsNode: false', 'onlyLoadAppFromAsar: true', 'enableEmbeddedAsarIntegrityValidation: true']) expect(yml).toContain(line);
  });

  it('20. no Electron API reaches the page: the preload exposes the contract only (see preload.test.ts)', () => {
    const preload = readFileSync(path.join(root, 'electron/preload/preload.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(preload).toContain('buildApi(');
  });
});

describe('the window and the session', () => {
  it('uses an in-memory session, and devtools only when unpackaged', () => {
    expect(prefs.partition).toBe(SESSION_PARTITION);
    expect(SESSION_PARTITION.startsWith('persist:')).toBe(false);
    expect(prefs.devTools).toBe(false);
    expect(windowOptions(true).webPreferences?.devTools).toBe(true);
    const options = windowOptions(false);
    expect(options.webPreferences?.preload).toBe(PRELOAD);
    expect(options.show).toBe(false);
  });

  it('cancels every request that is not for app://tearline', () => {
    const { ses, handlers } = fakeSession();
    hardenSession(ses, { devTools: false });
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      handlers.beforeRequest!({ url }, (r: { cancel: boolean }) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('app://tearline/index.html')).toBe(false);
    expect(decide('data:image/png;base64,iVBORw0KGgo=')).toBe(false);
    for (const url of [
      'https://example.org/',
      'http://127.0.0.1:8080/',
      'app://evil/index.html',
      'app://tearline.evil/index.html',
      'app://user@tearline/index.html',
      'app://tearline:81/index.html',
      'file:///etc/passwd',
      'devtools://devtools/bundled/inspector.html',
      'blob:https://example.org/1',
    ]) {
      expect(decide(url), url).toBe(true);
    }
  });

  it('allows the devtools pages only in an unpackaged build', () => {
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', { devTools: true })).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', { devTools: false })).toBe(false);
  });

  it('makes every host name unresolvable', () => {
    expect(CHROMIUM_SWITCHES).toContainEqual(['host-resolver-rules', 'MAP * ~NOTFOUND']);
  });
});
