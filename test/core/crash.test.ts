/**
 * Kill -9 the writer at random moments: afterwards the vault opens, passes the full
 * integrity check, and holds every entry whose append had been acknowledged.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../electron/core/vault/vault';
import { verifyVault } from '../../electron/core/log/integrity';
import { tempDir } from '../helpers/tmp';

const PASS = 'crash test passphrase';
const dir = tempDir();

function runAndKill(vaultPath: string, seed: number, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/crash-writer.ts', vaultPath, String(seed)], {
      env: { ...process.env, TEARLINE_PASSPHRASE: PASS },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!timer && out.includes('READY\n')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended without being killed: ${err}`));
      // Only complete lines count: a line cut by the kill was never acknowledged.
      const lines = out.split('\n').slice(0, -1);
      resolve(lines.filter((l) => l.startsWith('ACK ')).map((l) => l.slice(4)));
    });
  });
}

describe('crash safety', () => {
  it('every acknowledged entry survives SIGKILL at random moments, and the log stays intact', async () => {
    const p = path.join(dir, 'crash.tearline');
    (await Vault.create(p, PASS, { kdf: 'interactive' })).close();
    const acknowledged: string[] = [];
    for (let round = 0; round < 6; round++) {
      const seed = 1000 + round * 7919;
      const ids = await runAndKill(p, seed, 100 + ((seed * 37) % 900));
      acknowledged.push(...ids);
      const v = await Vault.open(p, PASS);
      try {
        const report = verifyVault(v);
        expect(report.ok, JSON.stringify(report.problems.slice(0, 3))).toBe(true);
        for (const id of acknowledged) expect(v.get(id).header.id).toBe(id);
        expect(v.size).toBeGreaterThanOrEqual(acknowledged.length + 1);
      } finally {
        v.close();
      }
    }
    expect(acknowledged.length).toBeGreaterThan(0);
  }, 120_000);
});
