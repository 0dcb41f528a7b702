/**
 * The one window and its options. Each option answers an item of Electron's security
 * checklist (docs/threat-model.md, "The shell"); test/shell/checklist.test.ts asserts them.
 */
import { BrowserWindow } from 'electron';

/** An in-memory session (no `persist:` prefix): nothing the renderer stores reaches the disk. */
export const SESSION_PARTITION = 'tearline';

export interface WindowOptionsInput {
  /** dist/electron/preload.cjs */
  preload: string;
  /** Developer tools: only in an unpackaged build. */
  devTools: boolean;
}

/**
 * Creates the window. The options are written out in the `new BrowserWindow(...)` call
 * itself so that electronegativity, which reads that call, sees every one of them.
 */
export function createMainWindow(input: WindowOptionsInput): BrowserWindow {
  return new BrowserWindow({
    title: 'Tearline',
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    // Shown once the first paint is ready, so the officer never sees a blank frame.
    show: false,
    webPreferences: {
      // A preload is needed to expose the typed API; it is bundled, sandboxed, and exposes
      // the contract's functions only (electron/preload/preload.ts, preload.test.ts).
      preload: input.preload, // eng-disable PRELOAD_JS_CHECK
      partition: SESSION_PARTITION,
      // Checklist 2, 3, 4 and 20: no Node.js in the page, the preload in its own world, a
      // sandboxed renderer, and only the preload's named functions exposed.
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      contextIsolation: true,
      sandbox: true,
      // Checklist 6 and 8: the same-origin policy stays, no mixed content.
      webSecurity: true,
      allowRunningInsecureContent: false,
      // Checklist 9 and 10: no experimental Chromium or Blink features (enableBlinkFeatures
      // is left unset on purpose).
      experimentalFeatures: false,
      // Checklist 11 and 12: no <webview> at all.
      webviewTag: false,
      // A file dropped on the window must not replace the app.
      navigateOnDragDrop: false,
      devTools: input.devTools,
      // The OS spellchecker where there is one; dictionaries are never downloaded (session.ts).
      spellcheck: true,
      // Middle-click opens nothing.
      disableBlinkFeatures: 'Auxclick',
      enableWebSQL: false,
      plugins: false,
      safeDialogs: true,
      autoplayPolicy: 'document-user-activation-required',
    },
  });
}
