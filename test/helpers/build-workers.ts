/**
 * Vitest's global setup: builds the core's worker bundles from the current sources. The
 * tests run the core from TypeScript, but a worker thread starts from a built file, which
 * must not be one left over from other sources.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [path.join(process.cwd(), 'scripts', 'build.mjs'), '--workers'], { stdio: 'inherit' });
}
