/**
 * The two scripts the harness builds from source with esbuild, once per process: the page
 * script that defines `window.tearline`, and the core's own process entry
 * (electron/host/core-process.ts), which the harness runs on a worker thread as Electron's
 * utility process runs it, so that the vault and its keys live off the server's thread.
 * Built from source rather than taken from dist/, so that the harness always runs the
 * core as it is in the tree.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

let pageScript: Promise<string> | undefined;
let coreScript: Promise<string> | undefined;

/** The page script, as one classic (IIFE) script for the browser. */
export function harnessPageScript(): Promise<string> {
  pageScript ??= build({
    entryPoints: [path.join(REPO_ROOT, 'test/e2e/harness/page-api.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    legalComments: 'none',
    logLevel: 'warning',
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no page script');
    return file.text;
  });
  return pageScript;
}

/**
 * The core process entry, bundled as the build does (packages external), into `dir`, beside
 * a node_modules link to the repository's, so that its packages resolve as they do in dist/.
 * Built once per process; each harness writes its own copy, removed with it.
 */
export async function writeHarnessCoreScript(dir: string): Promise<string> {
  coreScript ??= build({
    entryPoints: [path.join(REPO_ROOT, 'electron/host/core-process.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'warning',
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no core script');
    return file.text;
  });
  const code = await coreScript;
  mkdirSync(dir, { recursive: true });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const file = path.join(dir, 'core-process.cjs');
  writeFileSync(file, code);
  return file;
}
