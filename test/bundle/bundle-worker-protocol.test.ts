/**
 * A bundle worker built from other sources (a stale dist/workers in a checkout) would not
 * understand what it is sent: it is not used, and the bundle is checked on one thread.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/tmp';

const dir = tempDir('tearline-bundle-protocol-');
const fake = (name: string, protocol: number): string => {
  const file = path.join(dir, `${name}.cjs`);
  writeFileSync(file, `require('node:worker_threads').parentPort.postMessage({ type: 'ready', protocol: ${protocol} }); setInterval(() => {}, 1000);`);
  return file;
};
const located = vi.hoisted(() => ({ file: undefined as string | undefined }));
vi.mock('../../electron/core/workers/worker-file', () => ({ workerFile: () => located.file }));

const { startHashWorker } = await import('../../electron/core/crypto/hash-worker');
const { BUNDLE_PROTOCOL } = await import('../../electron/core/workers/bundle-protocol');

describe('the bundle worker’s protocol', () => {
  it('uses a worker that speaks this protocol, and no other', async () => {
    located.file = fake('current', BUNDLE_PROTOCOL);
    const current = await startHashWorker();
    expect(current).toBeDefined();
    current!.close();
    located.file = fake('stale', BUNDLE_PROTOCOL - 1);
    expect(await startHashWorker()).toBeUndefined();
    located.file = undefined;
    expect(await startHashWorker()).toBeUndefined();
  });
});
