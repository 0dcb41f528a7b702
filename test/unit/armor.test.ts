/**
 * Tearline's ASCII armor (shared/codec/armor.ts) and age's (shared/codec/age-armor.ts):
 * exact output, round trips, and refusal of every other spelling.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARMOR_LINE_LENGTH, armor, dearmor, hasArmorBegin } from '../../shared/codec/armor';
import { AGE_ARMOR_BEGIN, AGE_ARMOR_END, ageArmor, ageDearmor, isAgeArmored } from '../../shared/codec/age-armor';
import { fromBase64Raw, toBase64Raw } from '../../shared/codec/base64-raw';
import { TearlineError } from '../../shared/errors';

const LABEL = 'TEARLINE BUNDLE';
const BEGIN = '-----BEGIN TEARLINE BUNDLE-----';
const END = '-----END TEARLINE BUNDLE-----';

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof TearlineError ? error.code : `uncaught ${String(error)}`;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** The same bytes with a spare bit set in the character before the padding. */
function nonCanonical(text: string): string {
  const out = text.replace(/([A-Za-z0-9+/])(=+)\n(-----END)/, (_m, c: string, pad: string, end: string) => `${B64[B64.indexOf(c) + 1]}${pad}\n${end}`);
  if (out === text) throw new Error('nonCanonical: nothing to change');
  return out;
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);

describe('Tearline armor', () => {
  it('writes the exact layout: BEGIN, 64-column base64, END, LF endings', () => {
    const text = armor(bytes(100), LABEL);
    const lines = text.split('\n');
    expect(lines[0]).toBe(BEGIN);
    expect(lines[1]).toHaveLength(ARMOR_LINE_LENGTH);
    expect(lines[2]).toHaveLength(ARMOR_LINE_LENGTH);
    expect(lines[3]).toBe(Buffer.from(bytes(100).subarray(96)).toString('base64'));
    expect(lines[4]).toBe(END);
    expect(lines[5]).toBe('');
    expect(text).not.toContain('\r');
    expect(armor(new Uint8Array(0), LABEL)).toBe(`${BEGIN}\n${END}\n`);
    // A multiple of 48 bytes ends with a full line, not an empty one.
    expect(armor(bytes(96), LABEL).split('\n').map((l) => l.length)).toEqual([BEGIN.length, 64, 64, END.length, 0]);
  });

  it('round-trips every length around the line boundaries', () => {
    for (let n = 0; n <= 200; n++) expect(dearmor(armor(bytes(n), LABEL), LABEL)).toEqual(bytes(n));
  });

  it('round-trips random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        expect(dearmor(armor(data, LABEL), LABEL)).toEqual(data);
      }),
      { numRuns: 200 },
    );
  });

  it('reads the same armor given as ASCII bytes, and refuses other bytes', () => {
    const data = bytes(70);
    const text = armor(data, LABEL);
    expect(dearmor(new TextEncoder().encode(text), LABEL)).toEqual(data);
    expect(codeOf(() => dearmor(new TextEncoder().encode('\u00e9' + text), LABEL))).toBe('E_MALFORMED');
    expect(codeOf(() => dearmor(Uint8Array.of(0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)), LABEL))).toBe('E_MALFORMED');
  });

  it('accepts a missing final line feed and uniform CRLF, which do not change the bytes', () => {
    const data = bytes(130);
    const text = armor(data, LABEL);
    expect(dearmor(text.slice(0, -1), LABEL)).toEqual(data);
    expect(dearmor(text.replace(/\n/g, '\r\n'), LABEL)).toEqual(data);
    expect(dearmor(text.replace(/\n/g, '\r\n').slice(0, -2), LABEL)).toEqual(data);
  });

  it('refuses every other spelling with E_MALFORMED', () => {
    const text = armor(bytes(130), LABEL); // lines of 64, 64, 40 (with padding)
    const lines = text.slice(0, -1).split('\n');
    const join = (ls: string[]) => ls.join('\n') + '\n';
    const cases: Array<[string, string]> = [
      ['empty', ''],
      ['only BEGIN', `${BEGIN}\n`],
      ['no END', join(lines.slice(0, -1))],
      ['two final line feeds', text + '\n'],
      ['leading blank line', '\n' + text],
      ['leading space', ' ' + text],
      ['trailing space', text + ' '],
      ['trailing garbage', text + 'x\n'],
      ['leading garbage', 'x\n' + text],
      ['mixed line ends', text.replace('\n', '\r\n')],
      ['lone CR', text.replace('\n', '\r')],
      ['a header', join([lines[0]!, 'Version: 1', '', ...lines.slice(1)])],
      ['a blank line', join([lines[0]!, '', ...lines.slice(1)])],
      ['a short middle line', join([lines[0]!, lines[1]!.slice(0, 60), lines[1]!.slice(60) + lines[2]!.slice(0, 60), ...lines.slice(3)])],
      ['a long line', join([lines[0]!, lines[1]! + lines[2]!, ...lines.slice(3)])],
      ['line with trailing space', join([lines[0]!, lines[1]! + ' ', ...lines.slice(2)])],
      ['missing padding', text.replace('=\n', '\n')],
      ['non-canonical last character', nonCanonical(text)],
      ['lower-case label', text.replace(BEGIN, BEGIN.toLowerCase())],
      ['wrong label', text.replaceAll('TEARLINE BUNDLE', 'TEARLINE BUNDLES')],
      ['END label differs', text.replace(END, '-----END AGE ENCRYPTED FILE-----')],
      ['PGP checksum line', join([...lines.slice(0, -1), '=AAAA', lines[lines.length - 1]!])],
      ['URL-safe alphabet', text.replace(/\+/g, '-').replace(/\//g, '_').replace(/-----/g, '-----')],
      ['non-ASCII', text.replace('A', '\u0410')],
    ];
    for (const [why, bad] of cases) {
      if (bad === text) continue; // a replacement that happened not to apply
      expect(codeOf(() => dearmor(bad, LABEL)), why).toBe('E_MALFORMED');
    }
    const padded = armor(bytes(47), LABEL).split('\n');
    expect(codeOf(() => dearmor(join([padded[0]!, padded[1]!, padded[1]!, padded[2]!]), LABEL))).toBe('E_MALFORMED');
  });

  it('accepts a text only if it is exactly what armor() writes for the decoded bytes', () => {
    const alphabet = 'ABab+/=\n\r -Z0';
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.nat(), fc.nat(), fc.nat(2), (data, at, pick, op) => {
        const text = armor(data, LABEL);
        const i = at % (text.length + 1);
        const c = alphabet[pick % alphabet.length]!;
        const mutated =
          op === 0 ? text.slice(0, i) + c + text.slice(i) : op === 1 ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + c + text.slice(i + 1);
        let decoded: Uint8Array;
        try {
          decoded = dearmor(mutated, LABEL);
        } catch (error) {
          expect(error).toBeInstanceOf(TearlineError);
          expect((error as TearlineError).code).toBe('E_MALFORMED');
          return;
        }
        const normalised = mutated.replace(/\r\n/g, '\n');
        expect(normalised.endsWith('\n') ? normalised : normalised + '\n').toBe(armor(decoded, LABEL));
      }),
      { numRuns: 1000 },
    );
  });

  it('sniffs the BEGIN line in text or bytes, and checks labels', () => {
    const text = armor(bytes(10), LABEL);
    expect(hasArmorBegin(text, LABEL)).toBe(true);
    expect(hasArmorBegin(new TextEncoder().encode(text), LABEL)).toBe(true);
    expect(hasArmorBegin(' ' + text, LABEL)).toBe(false);
    expect(hasArmorBegin(new Uint8Array(3), LABEL)).toBe(false);
    expect(() => armor(bytes(1), 'tearline bundle')).toThrow();
    expect(() => armor(bytes(1), 'A--B')).toThrow();
  });
});

describe('age armor', () => {
  it('writes what age -a writes', () => {
    const text = ageArmor(bytes(100));
    expect(text.split('\n').map((l) => l.length)).toEqual([AGE_ARMOR_BEGIN.length, 64, 64, 8, AGE_ARMOR_END.length, 0]);
    expect(ageDearmor(text)).toEqual(bytes(100));
    expect(ageDearmor(ageArmor(bytes(96)))).toEqual(bytes(96));
  });

  it('allows CRLF and whitespace around the block, as the specification does', () => {
    const text = ageArmor(bytes(120));
    expect(ageDearmor(text.replace(/\n/g, '\r\n'))).toEqual(bytes(120));
    expect(ageDearmor('\n \t\r\n' + text + '\n\n  ')).toEqual(bytes(120));
    expect(ageDearmor(text.slice(0, -1))).toEqual(bytes(120));
    expect(isAgeArmored(new TextEncoder().encode('\n\n' + text))).toBe(true);
  });

  it('refuses other spellings with E_MALFORMED', () => {
    const text = ageArmor(bytes(120));
    for (const [why, bad] of [
      ['spaces before BEGIN on its line', '  ' + text],
      ['garbage before', 'x\n' + text],
      ['garbage after', text + 'x'],
      ['too much leading whitespace', ' '.repeat(1100) + '\n' + text],
      ['too much trailing whitespace', text + ' '.repeat(1100)],
      ['blank line inside', text.replace('\n', '\n\n')],
      ['no END', text.slice(0, text.indexOf(AGE_ARMOR_END))],
      ['non-canonical', nonCanonical(ageArmor(bytes(121)))],
      ['NUL', text.replace('A', '\0')],
    ] as const) {
      if (bad === text) continue;
      expect(codeOf(() => ageDearmor(bad)), why).toBe('E_MALFORMED');
    }
  });
});

describe('unpadded base64', () => {
  it('round-trips and refuses padding and non-canonical endings', () => {
    for (let n = 0; n < 10; n++) expect(fromBase64Raw(toBase64Raw(bytes(n)))).toEqual(bytes(n));
    expect(toBase64Raw(bytes(1))).toHaveLength(2);
    for (const bad of ['AA==', 'A', 'AB', 'AAB', 'A=AA', 'AA AA', 'AA\n']) expect(() => fromBase64Raw(bad), bad).toThrow();
  });
});
