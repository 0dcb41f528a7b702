/**
 * The passphrase prompt of the command line, on a real terminal: `script` (util-linux)
 * runs the command on a pseudo-terminal and types what the test gives it once the prompt
 * has appeared. The prompt is written where the officer looks (standard error, or the
 * terminal itself when standard error goes to a file) and what is typed is never echoed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, tearline } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
const PASS = 'correct horse battery staple';
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs `tearline args` on a terminal; each answer is typed once its prompt has been shown. */
function onTerminal(args: string[], answers: [prompt: string, typed: string][], redirect = '', before = '', newline = true): Promise<{ code: number; screen: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = before + [process.execPath, CLI, ...args].map(quote).join(' ') + redirect;
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('TEARLINE_')) env[k] = v;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let next = 0;
    let seen = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      // Typed only after its prompt (and the echo turned off): what was typed earlier would be echoed.
      while (next < answers.length && screen.indexOf(answers[next]![0], seen) !== -1) {
        seen = screen.indexOf(answers[next]![0], seen) + answers[next]![0].length;
        child.stdin.write(newline ? `${answers[next]![1]}\n` : answers[next]![1]);
        next++;
      }
    });
    // A prompt that never comes fails the test rather than hanging it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, screen });
    });
  });
}

describe.skipIf(!hasScript)('the passphrase prompt on a terminal', () => {
  it('asks twice for a new vault, refuses two that differ, and never shows what was typed', async () => {
    const vault = path.join(dir, 'prompted.tearline');
    const differ = await onTerminal(['init', '--vault', vault, '--kdf', 'interactive'], [
      ['New vault passphrase:', PASS],
      ['Repeat it:', `${PASS}!`],
    ]);
    expect(differ.code).toBe(2);
    expect(differ.screen).toMatch(/E_USAGE: the two passphrases differ/);
    const made = await onTerminal(['init', '--vault', vault, '--kdf', 'interactive'], [
      ['New vault passphrase:', PASS],
      ['Repeat it:', PASS],
    ]);
    expect(made.code).toBe(0);
    expect(made.screen).not.toContain('horse');
    const verified = await onTerminal(['verify', '--vault', vault], [['Vault passphrase:', PASS]]);
    expect(verified.code).toBe(0);
    expect(verified.screen).toMatch(/^OK: tearline\//m);
    expect(verified.screen).not.toContain('horse');
    const wrong = await onTerminal(['verify', '--vault', vault], [['Vault passphrase:', 'not the passphrase']]);
    expect(wrong.code).toBe(3);
    expect(wrong.screen).toMatch(/E_BAD_PASSPHRASE: /);
    expect(wrong.screen).not.toContain('not the passphrase');
  });

  it('prompts on the terminal itself when standard error goes to a file', async () => {
    const vault = path.join(dir, 'logged.tearline');
    expect((await tearline(['init', '--vault', vault, '--kdf', 'interactive'], { env: { TEARLINE_PASSPHRASE: PASS } })).code).toBe(0);
    const log = path.join(dir, 'stderr.log');
    const verified = await onTerminal(['verify', '--vault', vault], [['Vault passphrase:', PASS]], ` 2>${log}`);
    expect(verified.code).toBe(0);
    expect(verified.screen).toMatch(/^OK: tearline\//m);
    expect(verified.screen).not.toContain('horse');
    expect(readFileSync(log, 'utf8')).toBe('');
  });

  it('never prompts when standard input is not a terminal, even with a terminal to prompt on', async () => {
    const vault = path.join(dir, 'piped.tearline');
    expect((await tearline(['init', '--vault', vault, '--kdf', 'interactive'], { env: { TEARLINE_PASSPHRASE: PASS } })).code).toBe(0);
    // On the terminal, with the passphrase piped in: a pipe is not someone typing.
    const piped = await onTerminal(['verify', '--vault', vault], [], '', `printf '%s\\n' '${PASS}' | `);
    expect(piped.code).toBe(2);
    expect(piped.screen).toMatch(/E_USAGE: no passphrase: /);
    expect(piped.screen).not.toMatch(/Vault passphrase:/);
  });

  it('takes Ctrl-D at the prompt as a cancellation', async () => {
    const vault = path.join(dir, 'piped.tearline');
    const cancelled = await onTerminal(['verify', '--vault', vault], [['Vault passphrase:', '\u0004']], '', '', false);
    expect(cancelled.screen).toMatch(/E_CANCELLED: no passphrase was typed/);
    expect(cancelled.code).toBe(4);
  });
});
