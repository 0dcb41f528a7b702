/**
 * One instance at a time: a second launch focuses the first window and exits. Two
 * instances would also fight over the vault file, which the core opens exclusively.
 */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/** True if this is the only instance; otherwise asks the app to quit and returns false. */
export function claimSingleInstance(app: SingleInstanceApp, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focusExisting());
  return true;
}
