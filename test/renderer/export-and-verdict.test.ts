import { describe, expect, it } from 'vitest';
import { emptyVerdict } from '../../shared/bundle/verdict';
import { exampleBody } from '../../shared/domain';
import { compareFingerprint, wordsOf } from '../../renderer/src/lib/fingerprint-compare';
import { exportSelection, parseRecipients, previewEntry, previewTotals, redactableFields, type PreviewInput } from '../../renderer/src/lib/export-preview';
import { canAccept, explainCode, verdictHeadline } from '../../renderer/src/lib/verdict-text';

const COMMIT = 'a'.repeat(64);

function entry(kind: 'case.opened' | 'note', id: string, body: Record<string, unknown>): PreviewInput {
  const fields = Object.fromEntries(Object.keys(body).map((k) => [k, COMMIT]));
  return { index: 0, header: { id, kind, ts: '2025-03-10T09:00:00.000Z', caseId: id, fields }, body, summary: 's' };
}

describe('the export preview', () => {
  const opened = entry('case.opened', '01957a00-0001-7000-8000-000000000001', exampleBody('case.opened') as Record<string, unknown>);
  const note = entry('note', '01957a00-0002-7000-8000-000000000002', exampleBody('note') as Record<string, unknown>);

  it('withholds the sensitive fields unless they are asked for, as the core does', () => {
    const p = previewEntry(opened, { redact: [], includeSensitive: false });
    expect(p.withheld).toEqual([{ name: 'sourceProtection', title: 'Source protection', why: 'sensitive' }]);
    expect(p.disclosed.map((f) => f.name)).toContain('warningText');
    expect(p.disclosed.map((f) => f.name)).not.toContain('sourceProtection');
    const n = previewEntry(note, { redact: [], includeSensitive: false });
    expect(n.withheld.map((w) => w.name)).toEqual(['restricted']);
    const all = previewEntry(opened, { redact: [], includeSensitive: true });
    expect(all.withheld).toEqual([]);
    expect(all.disclosed.find((f) => f.name === 'sourceProtection')?.value).toEqual(opened.body.sourceProtection);
  });

  it('withholds redacted fields and counts what is withheld', () => {
    const choice = { redact: ['intendedVictim', 'text'], includeSensitive: false };
    const previews = [previewEntry(opened, choice), previewEntry(note, choice)];
    expect(previews[0]!.withheld.map((w) => [w.name, w.why])).toEqual([
      ['intendedVictim', 'redacted'],
      ['sourceProtection', 'sensitive'],
    ]);
    expect(previewTotals(previews)).toEqual({ entries: 2, withheld: { intendedVictim: 1, sourceProtection: 1, text: 1, restricted: 1 }, sensitiveWithheld: 2 });
    const names = redactableFields([opened, note]).map((f) => f.name);
    expect(names).toContain('warningText');
    expect(names).not.toContain('sourceProtection');
    expect(names).not.toContain('restricted');
    expect(names).not.toContain('caseId');
  });

  it('sends whole cases, or the entries left ticked', () => {
    const cases = [
      { caseId: 'c1', entryIds: ['a', 'b', 'c'] },
      { caseId: 'c2', entryIds: ['d', 'e'] },
    ];
    expect(exportSelection('cases', cases, {})).toEqual({ cases: ['c1', 'c2'] });
    expect(exportSelection('cases', cases, { c1: ['b'] })).toEqual({ cases: ['c2'], ids: ['a', 'c'] });
    expect(exportSelection('cases', cases, { c1: ['a', 'b', 'c'], c2: ['d', 'e'] })).toBeNull();
    expect(exportSelection('all', [], {})).toEqual({ all: true });
  });

  it('takes pasted age recipients and points at the lines that are not', () => {
    const good = 'age1' + 'q'.repeat(58);
    expect(parseRecipients(`${good}\n\n  ${good}\nage1short, hello`)).toEqual({ recipients: [good], invalid: ['age1short', 'hello'] });
  });
});

describe('the verification report in words', () => {
  it('heads a refused bundle with its problem count, and a valid one with its signer', () => {
    const refused = emptyVerdict(10);
    refused.problemCount = 2;
    expect(verdictHeadline(refused)).toBe('Refused: 2 problems found. Nothing will be imported.');
    expect(canAccept(refused)).toBe(false);
    const valid = { ...emptyVerdict(10), valid: true, signer: { ...refused.signer, status: 'trusted' as const, name: 'HQ' } };
    valid.entries = { ...valid.entries, count: 3 };
    expect(verdictHeadline(valid)).toBe('Valid: 3 entries signed by HQ, a trusted workstation.');
    expect(canAccept(valid)).toBe(true);
    expect(explainCode('E_FORK')).toMatch(/two different histories/);
    expect(explainCode('E_BAD_SIGNATURE')).toMatch(/changed after it was signed/);
  });
});

describe('fingerprint comparison', () => {
  const hq = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
  const other = '00112233445566778899aabbccddeeff';
  const candidates = [
    { name: 'HQ', fingerprint: hq },
    { name: 'Other', fingerprint: other },
  ];
  it('matches hex in any grouping, and the twelve words in order', () => {
    expect(compareFingerprint('F0E1 D2C3 B4A5 9687 7869 5A4B 3C2D 1E0F', candidates)).toMatchObject({ match: true, name: 'HQ' });
    const words = wordsOf(hq);
    expect(words).toHaveLength(12);
    expect(compareFingerprint(words.join(' '), candidates)).toMatchObject({ match: true, name: 'HQ' });
    const swapped = [...words];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    const miss = compareFingerprint(swapped.join(' '), candidates);
    expect(miss.match).toBe(false);
    expect(miss.text).toMatch(/differs from HQ in 2 words/);
    expect(compareFingerprint('f0e1', candidates).text).toMatch(/32 hexadecimal digits/);
  });
});
