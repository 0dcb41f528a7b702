/**
 * The app:// protocol (checklist 18: no file://). It serves the built renderer and nothing
 * else: a request's path is decoded once, refused if any segment could climb out (`..`,
 * `.`, empty, a drive letter, a backslash, a NUL), joined under the root, and refused
 * again unless its real path (symlinks resolved) is a file inside the root's real path.
 * Every response carries the Content-Security-Policy as a header (checklist 7).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from '../../shared/ipc';

/** Standard and secure, so the page has a real origin and a secure context; nothing more. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/**
 * The response headers of every app:// response. The Content-Security-Policy is
 * `default-src 'none'`, plus what the renderer needs: its own scripts, styles, fonts and
 * images (QR codes are data: images). No inline script, no eval, no framing, no forms, no
 * <base>, no plugin. It is written as one literal so that electronegativity's CSP check can
 * read and evaluate it.
 */
function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  // electronegativity's CSP evaluation flags script-src 'self' for manual review, because a
  // site's own origin may host JSONP, AngularJS or uploads. app://tearline serves only the
  // built renderer, read-only, so 'self' is exactly our bundled scripts.
  headers['content-security-policy'] = // eng-disable CSP_GLOBAL_CHECK
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
  headers['x-content-type-options'] = 'nosniff';
  headers['cross-origin-opener-policy'] = 'same-origin';
  headers['cross-origin-resource-policy'] = 'same-origin';
  headers['referrer-policy'] = 'no-referrer';
  headers['permissions-policy'] = 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=(), payment=(), display-capture=()';
  headers['cache-control'] = 'no-store';
  return Object.freeze(headers);
}

export const SECURITY_HEADERS = securityHeaders();
export const CONTENT_SECURITY_POLICY = SECURITY_HEADERS['content-security-policy']!;

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bdic': 'application/octet-stream',
};

export function mimeTypeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The segments of a request's path, or undefined if the URL is not ours or the path could
 * name anything outside the root. Pure: no file system access.
 */
export function appPathSegments(requestUrl: string): string[] | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '' || url.username !== '' || url.password !== '') {
    return undefined;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (decoded === '' || decoded === '/') decoded = '/index.html';
  if (!decoded.startsWith('/')) return undefined;
  const segments = decoded.slice(1).split('/');
  for (const s of segments) {
    // Empty (// or a trailing /), dot segments and dotfiles, Windows separators and drive
    // letters or streams (:), NUL and other control characters: none is a file we serve.
    if (s === '' || s.startsWith('.') || s.includes('\\') || s.includes(':') || hasControlCharacter(s)) return undefined;
  }
  return segments;
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The file a request names under `root`, or undefined if there is none we may serve. */
export async function resolveAppPath(root: string, requestUrl: string): Promise<string | undefined> {
  const segments = appPathSegments(requestUrl);
  if (!segments) return undefined;
  const base = path.resolve(root);
  const candidate = path.resolve(base, ...segments);
  if (!isInside(base, candidate)) return undefined;
  try {
    const [realBase, realFile] = await Promise.all([realpath(base), realpath(candidate)]);
    if (!isInside(realBase, realFile)) return undefined;
    if (!(await stat(realFile)).isFile()) return undefined;
    return realFile;
  } catch {
    return undefined;
  }
}

function isInside(base: string, target: string): boolean {
  const rel = path.relative(base, target);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function respond(status: number, body: BodyInit | null, contentType?: string): Response {
  const headers = new Headers(SECURITY_HEADERS);
  if (contentType) headers.set('Content-Type', contentType);
  return new Response(body, { status, headers });
}

/** The handler for `protocol.handle('app', ...)`: serves files under `root`, read-only. */
export function serveApp(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, null);
    const file = await resolveAppPath(root, request.url);
    if (!file) return respond(404, 'Not found', 'text/plain; charset=utf-8');
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(file));
    return respond(200, body, mimeTypeOf(file));
  };
}
