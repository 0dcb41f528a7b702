/**
 * The core process as it ships: electron/host/core-process.ts bundled the way
 * scripts/build.mjs bundles it, run as a separate Node process with its worker thread.
 * Electron's `process.parentPort` is stood in for by a small shim over Node's own IPC
 * channel (structured clone, as Electron's port); everything else is the real bundle.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBody } from '../../shared/domain';
import type { FromCore, ToCore } from '../../electron/host/messages';

const root = path.resolve(__dirname, '..', '..');
// Inside the repository, so that the bundle's external packages resolve from node_modules.
const outDir = path.join(root, 'node_modules', '.cache', 'tearline-shell-test', String(process.pid));
const bundle = path.join(outDir, 'core-process.cjs');
const shim = path.join(outDir, 'parent-port-shim.cjs');

const SHIM = `
// Electron gives a utility process process.parentPort; here Node's IPC channel plays it.
if (typeof process.send === 'function') {
  const { EventEmitter } = require('node:events');
  const port = new EventEmitter();
  port.postMessage = (message) => process.send(message);
  process.on('message', (message) => port.emit('message', { data: message, ports: [] }));
  process.parentPort = port;
}
`;

class CoreProcess {
  readonly messages: FromCore[] = [];
  private readonly waiters: { test: (m: FromCore) => boolean; resolve: (m: FromCore) => void }[] = [];
  private nextId = 1;

  constructor(readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const message = raw as FromCore;
      this.messages.push(message);
      for (const w of [...this.waiters]) {
        if (w.test(message)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    });
  }

  send(message: ToCore): void {
    this.child.send(message);
  }

  next(test: (m: FromCore) => boolean): Promise<FromCore> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  async call(channel: string, request: unknown, extra: { operationId?: string } = {}): Promise<Extract<FromCore, { type: 'result' }>['result']> {
    const id = this.nextId++;
    this.send({ type: 'call', id, channel, request, ...extra });
    const reply = await this.next((m) => m.type === 'result' && m.id === id);
    return (reply as Extract<FromCore, { type: 'result' }>).result;
  }
}

describe('the bundled core process', () => {
  let dir: string;
  let core: CoreProcess;

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    await build({
      entryPoints: [path.join(root, 'electron/host/core-process.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      logLevel: 'error',
    });
    writeFileSync(shim, SHIM);
    dir = mkdtempSync(path.join(tmpdir(), 'tearline-core-bundle-'));
    const child = fork(bundle, [`--vault=${path.join(dir, 'vault.tearline')}`], {
      execArgv: ['--require', shim],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    core = new CoreProcess(child);
  });

  afterAll(() => {
    core?.child.kill();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  it('creates a vault on its worker thread, reporting progress and the new state', async () => {
    const result = await core.call('createVault', { name: 'Bundle desk', passphrase: 'bundle passphrase', kdf: 'interactive', operationId: 'c1' }, { operationId: 'c1' });
    expect(result).toMatchObject({ ok: true, value: { name: 'Bundle desk', entries: 1 } });
    expect(core.messages.some((m) => m.type === 'progress' && m.operationId === 'c1' && m.phase === 'kdf')).toBe(true);
    expect(core.messages).toContainEqual({ type: 'state', locked: false });
  });

  it('appends and lists, then locks on a lock message and refuses reads', async () => {
    const added = await core.call('appendEntries', { entries: [{ kind: 'case.opened', body: exampleBody('case.opened') }] });
    expect(added.ok).toBe(true);
    expect(await core.call('listEntries', {})).toMatchObject({ ok: true, value: { total: 2 } });
    core.send({ type: 'lock', reason: 'idle' });
    await core.next((m) => m.type === 'state' && m.locked && m.reason === 'idle');
    expect(await core.call('listEntries', {})).toMatchObject({ ok: false, error: { code: 'E_LOCKED' } });
  });

  it('unlocks again and runs the integrity check with progress', async () => {
    expect(await core.call('unlockVault', { passphrase: 'wrong passphrase' })).toMatchObject({ ok: false, error: { code: 'E_BAD_PASSPHRASE' } });
    expect(await core.call('unlockVault', { passphrase: 'bundle passphrase' })).toMatchObject({ ok: true, value: { entries: 2 } });
    const report = await core.call('verifyVault', { operationId: 'v1' }, { operationId: 'v1' });
    expect(report).toMatchObject({ ok: true, value: { ok: true, size: 2 } });
  });

  it('cancels an unlock while its worker thread is busy in Argon2id', async () => {
    core.send({ type: 'lock', reason: 'user' });
    await core.next((m) => m.type === 'state' && m.locked && m.reason === 'user');
    // The unlock reports "kdf 0/1" and then blocks its thread in Argon2id; the cancel is
    // received meanwhile by the process's other thread, which raises the shared flag; the
    // unlock stops at its next report.
    core.messages.length = 0;
    const id = 100;
    core.send({ type: 'call', id, channel: 'unlockVault', request: { passphrase: 'bundle passphrase', operationId: 'u2' }, operationId: 'u2' });
    await core.next((m) => m.type === 'progress' && m.operationId === 'u2' && m.phase === 'kdf' && m.done === 0);
    core.send({ type: 'cancel', operationId: 'u2' });
    const reply = await core.next((m) => m.type === 'result' && m.id === id);
    expect(reply).toMatchObject({ result: { ok: false, error: { code: 'E_CANCELLED' } } });
    expect(await core.call('vaultStatus', {})).toMatchObject({ ok: true, value: { state: 'locked' } });
    expect(await core.call('unlockVault', { passphrase: 'bundle passphrase' })).toMatchObject({ ok: true });
  });

  it('ignores messages that are not in its protocol', async () => {
    core.child.send({ type: 'eval', code: 'process.exit(3)' });
    core.child.send('junk');
    expect(await core.call('vaultStatus', {})).toMatchObject({ ok: true, value: { state: 'unlocked' } });
  });
});
