/**
 * The app's own origin. The renderer is served only from app://tearline/ (a privileged,
 * standard, secure custom scheme), never from file://, and IPC answers only frames there.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tearline';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The ipcMain/ipcRenderer channel of a contract entry. */
export const IPC_PREFIX = 'tearline:';
export function ipcChannelFor(name: string): string {
  return `${IPC_PREFIX}${name}`;
}
/** The one channel main → renderer events travel on. */
export const EVENT_CHANNEL = `${IPC_PREFIX}event`;

