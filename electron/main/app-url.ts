/** Recognises our own origin, app://tearline. */
import { APP_HOST, APP_SCHEME } from '../../shared/ipc';

/** True for a URL of our origin: the scheme and host exactly, with no user info and no port. */
export function isAppUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.hostname === APP_HOST && u.port === '' && u.username === '' && u.password === '';
}
