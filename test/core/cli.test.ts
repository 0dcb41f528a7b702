/** The `tearline` command as a user runs it: real processes, exit codes, one-line errors. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tearline } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { OPENED, waiverBody } from '../helpers/bodies';

const PASS = 'command line passphrase';
const env = { TEARLINE_PASSPHRASE: PASS };
const dir = tempDir();
const vault = path.join(dir, 'cli.tearline');
let caseId = '';

function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

beforeAll(async () => {
  const r = await tearline(['init', '--vault', vault, '--name', 'Station CLI', '--kdf', 'interactive', '--json'], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.keyCard.name).toBe('Station CLI');
  const added = await tearline(['add', '--vault', vault, '--kind', 'case.opened', '--file', file('case.json', OPENED), '--json'], { env });
  expect(added.code).toBe(0);
  caseId = JSON.parse(added.stdout)[0].caseId;
});

describe('tearline', () => {
  it('prints help and exits 0', async () => {
    const r = await tearline(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['init', 'add', 'list', 'show', 'case', 'verify', 'passwd', 'backup', 'keys', 'schema']) expect(r.stdout).toContain(c);
  });

  it('adds NDJSON in one transaction and prints ids and indexes with --json', async () => {
    const lines = [waiverBody(caseId), { caseId, text: 'Called the station chief.' }].map((b) => JSON.stringify(b));
    const notes = await tearline(['add', '--vault', vault, '--kind', 'note', '--file', '-', '--json'], {
      env,
      input: [JSON.stringify({ caseId, text: 'First note' }), '', JSON.stringify({ caseId, text: 'Second note' })].join('\n'),
    });
    expect(notes.code).toBe(0);
    const written = JSON.parse(notes.stdout) as { id: string; index: number; kind: string; caseId: string }[];
    expect(written.map((w) => w.kind)).toEqual(['note', 'note']);
    expect(written[1]!.index).toBe(written[0]!.index + 1);
    // A batch with one bad line writes nothing.
    const bad = await tearline(['add', '--vault', vault, '--kind', 'note', '--file', file('bad.ndjson', `${lines[1]}\n{"caseId": "${caseId}", "txt": 1}\n`)], { env });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/^E_INVALID_ENTRY: entry 2: /);
    const list = await tearline(['list', '--vault', vault, '--kind', 'note', '--json'], { env });
    expect(JSON.parse(list.stdout)).toHaveLength(2);
  });

  it('names the line of malformed NDJSON', async () => {
    const r = await tearline(['add', '--vault', vault, '--kind', 'note', '--file', file('broken.ndjson', `{"caseId":"${caseId}","text":"ok"}\n{oops\n`)], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^E_INVALID_ENTRY: .*line 2: not valid JSON/);
  });

  it('refuses a waiver without a justification, naming the field', async () => {
    const { justification: _j, ...body } = waiverBody(caseId);
    const r = await tearline(['add', '--vault', vault, '--kind', 'waiver', '--file', file('w.json', body)], { env });
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^E_INVALID_ENTRY: .*justification/);
  });

  it('lists, shows and folds a case as JSON', async () => {
    const list = JSON.parse((await tearline(['list', '--vault', vault, '--case', caseId, '--json'], { env })).stdout) as Record<string, unknown>[];
    expect(list[0]).toMatchObject({ kind: 'case.opened', caseId, index: 1 });
    for (const e of list) expect(Object.keys(e)).toEqual(expect.arrayContaining(['id', 'kind', 'index', 'caseId']));
    const show = await tearline(['show', '--vault', vault, caseId, '--json'], { env });
    expect(JSON.parse(show.stdout)).toMatchObject({ id: caseId, kind: 'case.opened', body: OPENED });
    const kase = await tearline(['case', '--vault', vault, caseId, '--json'], { env });
    expect(JSON.parse(kase.stdout)).toMatchObject({ caseId });
    const text = await tearline(['case', '--vault', vault, caseId], { env });
    expect(text.stdout).toContain(caseId);
    const missing = await tearline(['show', '--vault', vault, '0190f3a1-0000-7000-8000-000000000000'], { env });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^E_NOT_FOUND: /);
  });

  it("never writes a record's control characters to the terminal as they are", async () => {
    const text = 'Red \u001b[31mALERT\u001b[0m\nsecond line';
    const added = await tearline(['add', '--vault', vault, '--kind', 'note', '--file', file('escape.json', { caseId, text }), '--json'], { env });
    const [note] = JSON.parse(added.stdout) as { id: string }[];
    const shown = await tearline(['show', '--vault', vault, note!.id], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toContain('\u001b');
    expect(shown.stdout).toContain('Red \\u001b[31mALERT\\u001b[0m\\u000asecond line');
    // JSON output keeps the value exactly.
    expect(JSON.parse((await tearline(['show', '--vault', vault, note!.id, '--json'], { env })).stdout).body.text).toBe(text);
  });

  it('exits 3 on a wrong passphrase and 2 on usage errors', async () => {
    const wrong = await tearline(['list', '--vault', vault], { env: { TEARLINE_PASSPHRASE: 'not it' } });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^E_BAD_PASSPHRASE: /);
    const unknown = await tearline(['list', '--vault', vault, '--colour'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^E_USAGE: /);
    const missing = await tearline(['list'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^E_USAGE: .*--vault/);
    const noPass = await tearline(['list', '--vault', vault], { env: { TEARLINE_PASSPHRASE: undefined } });
    expect(noPass.code).toBe(2);
    expect(noPass.stderr).toMatch(/^E_USAGE: no passphrase/);
    const kdf = await tearline(['init', '--vault', path.join(dir, 'x.tearline'), '--kdf', 'weak'], { env });
    expect(kdf.code).toBe(2);
    const short = await tearline(['init', '--vault', path.join(dir, 'short.tearline'), '--kdf', 'interactive'], { env: { TEARLINE_PASSPHRASE: 'abc' } });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^E_USAGE: a new passphrase needs at least 8 characters/);
    // Nothing done is not success; contradictory or unknown choices are usage errors.
    for (const args of [[], ['trust'], ['keys', '--vault', vault, '--json', '--minisign-pub'], ['list', '--vault', vault, '--kind', 'nope'], ['add', '--vault', vault, '--kind', 'nope', '--file', '-']]) {
      const r = await tearline(args, { env });
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: expect.stringMatching(/^E_USAGE: [^\n]+\n$/) });
    }
  });

  it('takes the passphrase from standard input with --passphrase-file -', async () => {
    const r = await tearline(['list', '--vault', vault, '--passphrase-file', '-', '--json'], { env: { TEARLINE_PASSPHRASE: undefined }, input: `${PASS}\n` });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(0);
  });

  it('reads the passphrase from a file, and changes it with passwd', async () => {
    const v = path.join(dir, 'passwd.tearline');
    const passFile = file('pass.txt', `${PASS}\n`);
    expect((await tearline(['init', '--vault', v, '--kdf', 'interactive', '--passphrase-file', passFile], { env: { TEARLINE_PASSPHRASE: undefined } })).code).toBe(0);
    const changed = await tearline(['passwd', '--vault', v, '--passphrase-file', passFile], { env: { TEARLINE_NEW_PASSPHRASE: 'the new one' } });
    expect(changed.code).toBe(0);
    expect((await tearline(['list', '--vault', v], { env })).code).toBe(3);
    expect((await tearline(['list', '--vault', v], { env: { TEARLINE_PASSPHRASE: 'the new one' } })).code).toBe(0);
  });

  it('backs up to a file that opens and verifies with the same passphrase', async () => {
    const out = path.join(dir, 'cli-backup.tearline');
    const r = await tearline(['backup', '--vault', vault, '--out', out], { env });
    expect(r.code).toBe(0);
    const verify = await tearline(['verify', '--vault', out, '--json'], { env });
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, firstBadIndex: null });
    const again = await tearline(['backup', '--vault', vault, '--out', out], { env });
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/^E_VAULT_EXISTS: /);
    const nowhere = await tearline(['backup', '--vault', vault, '--out', path.join(dir, 'no-such-folder', 'b.tearline')], { env });
    expect(nowhere.code).toBe(4);
    expect(nowhere.stderr).toMatch(/^E_IO: the backup was not written: /);
  });

  it('prints the key card in every form', async () => {
    const pub = await tearline(['keys', '--vault', vault, '--minisign-pub'], { env });
    expect(pub.stdout).toMatch(/^untrusted comment: .*\nRW[A-Za-z0-9+/]{54}\n$/);
    const age = await tearline(['keys', '--vault', vault, '--age-recipient'], { env });
    expect(age.stdout.trim()).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    const card = JSON.parse((await tearline(['keys', '--vault', vault, '--json'], { env })).stdout);
    expect(card).toMatchObject({ type: 'tearline-key-card', name: 'Station CLI', ageRecipient: age.stdout.trim() });
  });

  it('prints JSON Schemas with officer-facing descriptions', async () => {
    const all = JSON.parse((await tearline(['schema'])).stdout);
    expect(Object.keys(all.kinds)).toContain('waiver');
    const waiver = JSON.parse((await tearline(['schema', 'waiver'])).stdout);
    expect(waiver.required).toEqual(expect.arrayContaining(['justification', 'approvedBy', 'reasons']));
    expect(JSON.stringify(waiver)).toContain('description');
    const bad = await tearline(['schema', 'nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^E_USAGE: /);
  });
});
