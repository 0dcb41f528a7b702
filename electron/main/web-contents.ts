/**
 * Every web contents the app creates (there is one window) is held to its page: no
 * navigation, no redirect, no new window, no <webview>. The app is a single page that
 * routes in place, so nothing legitimate needs any of these.
 */
import type { WebContents } from 'electron';

export function hardenWebContents(contents: WebContents): void {
  // Checklist 13: no navigation away from the loaded page, in any frame.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  // Checklist 14: window.open and target=_blank open nothing (and never a browser:
  // shell.openExternal is not used anywhere, checklist 15).
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Checklist 11 and 12: <webview> is off in webPreferences; refuse one anyway.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
