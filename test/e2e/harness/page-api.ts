/**
 * Runs in the page, before the renderer's own scripts: defines `window.tearline` with the
 * preload's own builder (electron/preload/api.ts), so its shape is exactly the preload's and
 * follows the contract's channel map. Only the transport differs: a call is a POST to the
 * harness on the page's own origin, and events arrive by server-sent events. Both are
 * same-origin, so the app's Content-Security-Policy (connect-src 'self') allows them
 * unchanged. Bundled to one classic script by the harness (esbuild, IIFE).
 */
import './zod-jitless';
import { buildApi } from '../../../electron/preload/api';
import { API_GLOBAL } from '../../../shared/ipc/api';
import { INVOKE_PATH, EVENTS_PATH, ACTIVITY_PATH } from './paths';

const listeners = new Set<(payload: unknown) => void>();

const events = new EventSource(EVENTS_PATH);
events.onmessage = (message: MessageEvent<string>) => {
  const payload: unknown = JSON.parse(message.data);
  for (const listener of [...listeners]) listener(payload);
};

const api = buildApi({
  async invoke(name, request) {
    const response = await fetch(INVOKE_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: name, payload: request }),
    });
    if (!response.ok) throw new Error(`the harness refused the call (${response.status})`);
    return response.json();
  },
  subscribe(listener) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
});

// contextBridge exposes a read-only, non-configurable property; so does the harness.
Object.defineProperty(window, API_GLOBAL, { value: api, enumerable: true, writable: false, configurable: false });

// Electron's main process counts the window's input events as activity for auto-lock
// (webContents 'input-event'); the page tells the harness, at most once a second.
let lastActivity = 0;
function activity(): void {
  const now = Date.now();
  if (now - lastActivity < 1000) return;
  lastActivity = now;
  void fetch(ACTIVITY_PATH, { method: 'POST' }).catch(() => undefined);
}
for (const type of ['keydown', 'pointerdown', 'wheel'] as const) {
  window.addEventListener(type, activity, { capture: true, passive: true });
}
