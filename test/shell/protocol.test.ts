/**
 * The app:// handler on a real directory tree: what it serves, with which headers, and a
 * list of attempts to read outside the renderer's folder, every one refused.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPathSegments, CONTENT_SECURITY_POLICY, resolveAppPath, serveApp } from '../../electron/main/protocol';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'tearline-protocol-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Tearline</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(root, 'assets', 'name with space.svg'), '<svg/>');
  writeFileSync(path.join(root, '.env'), 'SECRET=1');
  writeFileSync(path.join(base, 'secret.txt'), 'outside the root');
  mkdirSync(path.join(base, 'renderer-evil'));
  writeFileSync(path.join(base, 'renderer-evil', 'x.js'), 'outside, in a sibling whose name starts like the root');
  // Symlinks out of the root, to a file and to a directory, and one that stays inside.
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'escape.txt'));
  symlinkSync(base, path.join(root, 'up'));
  symlinkSync(path.join(root, 'assets', 'app.js'), path.join(root, 'alias.js'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveAppPath', () => {
  it('serves files under the root, and index.html for the origin itself', async () => {
    expect(await resolveAppPath(root, 'app://tearline/')).toBe(path.join(root, 'index.html'));
    expect(await resolveAppPath(root, 'app://tearline')).toBe(path.join(root, 'index.html'));
    expect(await resolveAppPath(root, 'app://tearline/index.html?x=1#top')).toBe(path.join(root, 'index.html'));
    expect(await resolveAppPath(root, 'app://tearline/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(await resolveAppPath(root, 'app://tearline/assets/name%20with%20space.svg')).toBe(path.join(root, 'assets', 'name with space.svg'));
    // A symlink that stays inside the root resolves to its target.
    expect(await resolveAppPath(root, 'app://tearline/alias.js')).toBe(path.join(root, 'assets', 'app.js'));
  });

  const attempts = [
    'app://tearline/../secret.txt',
    'app://tearline/assets/../../secret.txt',
    'app://tearline/%2e%2e/secret.txt',
    'app://tearline/%2E%2E/secret.txt',
    'app://tearline/..%2fsecret.txt',
    'app://tearline/..%2Fsecret.txt',
    'app://tearline/%2e%2e%2fsecret.txt',
    'app://tearline/assets/..%2f..%2fsecret.txt',
    'app://tearline/..%5csecret.txt',
    'app://tearline/..%5C..%5Csecret.txt',
    'app://tearline/assets%2f..%2f..%2fsecret.txt',
    'app://tearline/%252e%252e/secret.txt',
    'app://tearline/../renderer-evil/x.js',
    'app://tearline/%2e%2e/renderer-evil/x.js',
    'app://tearline//etc/passwd',
    'app://tearline/%2Fetc%2Fpasswd',
    'app://tearline/%2f%2fetc/passwd',
    'app://tearline/C:%5CWindows%5Cwin.ini',
    'app://tearline/C:/Windows/win.ini',
    'app://tearline/index.html::$DATA',
    'app://tearline/index.html%00.png',
    'app://tearline/index.html%0a',
    'app://tearline/%ZZ',
    'app://tearline/escape.txt',
    'app://tearline/up/secret.txt',
    'app://tearline/up/renderer-evil/x.js',
    'app://tearline/.env',
    'app://tearline/assets/',
    'app://tearline/assets',
    'app://tearline/missing.js',
    'app://evil/index.html',
    'app://tearline.evil/index.html',
    'app://user:pass@tearline/index.html',
    'app://tearline:8080/index.html',
    'file:///etc/passwd',
    'file:///tmp/renderer/index.html',
    'https://tearline/index.html',
    'not a url',
  ];

  it.each(attempts)('refuses %s', async (url) => {
    expect(await resolveAppPath(root, url)).toBeUndefined();
  });

  it('refuses an absolute path, encoded', async () => {
    expect(await resolveAppPath(root, `app://tearline/${encodeURIComponent(path.join(base, 'secret.txt'))}`)).toBeUndefined();
    expect(await resolveAppPath(root, `app://tearline${path.join(base, 'secret.txt')}`)).toBeUndefined();
  });

  it('refuses traversal before touching the file system', () => {
    expect(appPathSegments('app://tearline/..%2fsecret.txt')).toBeUndefined();
    expect(appPathSegments('app://tearline/assets/app.js')).toEqual(['assets', 'app.js']);
  });
});

describe('serveApp', () => {
  const handler = () => serveApp(root);

  it('serves a file with its type and the security headers, CSP included', async () => {
    const response = await handler()(new Request('app://tearline/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).toContain('<title>Tearline</title>');
    const js = await handler()(new Request('app://tearline/assets/app.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404, with the CSP, for anything it will not serve', async () => {
    for (const url of ['app://tearline/..%2fsecret.txt', 'app://tearline/escape.txt', 'app://tearline/missing.js']) {
      const response = await handler()(new Request(url));
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(await response.text()).not.toContain('outside the root');
    }
  });

  it('is read-only', async () => {
    const response = await handler()(new Request('app://tearline/index.html', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
    const head = await handler()(new Request('app://tearline/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
