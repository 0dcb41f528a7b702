/**
 * Session hardening: every permission denied, every device chooser cancelled, no download,
 * no dictionary download, and every request that is not for our own app:// origin
 * cancelled. The app makes no network connection; this is the layer that makes sure a bug
 * in the renderer cannot make one either.
 */
import type { Session } from 'electron';
import { APP_ORIGIN } from '../../shared/ipc';
import { isAppUrl } from './app-url';

export interface SessionPolicy {
  /** Allow the developer tools' own devtools:// pages (unpackaged builds only). */
  devTools: boolean;
}

/**
 * Chromium switches set before the app is ready. Host resolution fails for every name, so
 * even a request that slipped past every other check could not reach a server.
 */
export const CHROMIUM_SWITCHES: readonly (readonly [string, string])[] = [['host-resolver-rules', 'MAP * ~NOTFOUND']];

/** Dictionaries would be fetched from here, our own origin: never from the network. */
export const SPELLCHECK_DICTIONARY_URL = `${APP_ORIGIN}/hunspell/`;

/** The only requests a page of ours may make: to app://tearline, and inline data it holds. */
export function isAllowedRequest(url: string, policy: SessionPolicy): boolean {
  if (isAppUrl(url)) return true;
  if (url.startsWith('data:') || url.startsWith('blob:app://tearline/')) return true;
  return policy.devTools && url.startsWith('devtools://');
}

export function hardenSession(ses: Session, policy: SessionPolicy): void {
  // Checklist 5: deny every permission request and every permission check.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  ses.setBluetoothPairingHandler((_details, callback) => callback({ confirmed: false }));
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('will-download', (event) => event.preventDefault());
  ses.setSpellCheckerDictionaryDownloadURL(SPELLCHECK_DICTIONARY_URL);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url, policy) }));
}
