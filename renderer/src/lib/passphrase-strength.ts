/**
 * A passphrase strength estimate for the meter on the create and change-passphrase forms.
 * It is advice, not a gate (the core's only rule is a minimum length): it estimates the
 * guessing work in bits from the characters used, then takes off what an attacker's
 * dictionary and pattern rules would find first (repeats, runs, keyboard rows, common
 * words, dates), so that "Password123!" scores as the weak passphrase it is.
 */
import { NEW_PASSPHRASE_MIN } from '../../../shared/ipc/schemas';

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface Strength {
  score: StrengthScore;
  /** "Too short", "Weak", "Fair", "Good", "Strong". */
  label: string;
  /** The estimated guessing work, in bits. */
  bits: number;
  /** Advice in plain words, most useful first; empty for a strong passphrase. */
  advice: string[];
}

export const STRENGTH_LABELS: Record<StrengthScore, string> = {
  0: 'Too short',
  1: 'Weak',
  2: 'Fair',
  3: 'Good',
  4: 'Strong',
};

/** Words that any guessing dictionary tries first. */
const COMMON = [
  'password', 'passwort', 'passphrase', 'secret', 'letmein', 'welcome', 'admin', 'login', 'qwerty', 'azerty',
  'dragon', 'monkey', 'football', 'baseball', 'master', 'shadow', 'sunshine', 'princess', 'iloveyou', 'trustno',
  'tearline', 'warning', 'vault', 'changeme', 'default', 'summer', 'winter', 'spring', 'autumn', 'secure',
];

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', 'azertyuiop', 'qwertzuiop'];

function poolSize(text: string): number {
  let pool = 0;
  if (/[a-z]/.test(text)) pool += 26;
  if (/[A-Z]/.test(text)) pool += 26;
  if (/[0-9]/.test(text)) pool += 10;
  if (/[^A-Za-z0-9\s]/.test(text)) pool += 33;
  if (/\s/.test(text)) pool += 1;
  // Letters outside ASCII (accents, other scripts) widen the pool a good deal.
  if (/[^\p{ASCII}]/u.test(text)) pool += 100;
  return Math.max(pool, 1);
}

/** Characters that follow a run (abc, 321), a repeat (aaa) or a keyboard row (qwe): nearly free to guess. */
function predictableCount(text: string): number {
  const lower = text.toLowerCase();
  let count = 0;
  for (let i = 1; i < lower.length; i++) {
    const a = lower.charCodeAt(i - 1);
    const b = lower.charCodeAt(i);
    const pair = lower.slice(i - 1, i + 1);
    if (a === b || Math.abs(a - b) === 1 || KEYBOARD_ROWS.some((row) => row.includes(pair))) count++;
  }
  return count;
}

/** Estimates how hard a passphrase is to guess. */
export function passphraseStrength(passphrase: string): Strength {
  const advice: string[] = [];
  const length = [...passphrase].length;
  if (length === 0) return { score: 0, label: STRENGTH_LABELS[0], bits: 0, advice: [`Use at least ${NEW_PASSPHRASE_MIN} characters.`] };

  const perChar = Math.log2(poolSize(passphrase));
  const predictable = predictableCount(passphrase);
  // A predictable character still costs the attacker about one bit.
  let bits = (length - predictable) * perChar + predictable;

  const lower = passphrase.toLowerCase();
  const common = COMMON.filter((w) => lower.includes(w));
  for (const word of common) bits -= (word.length - 1) * perChar;
  if (common.length > 0) advice.push('Avoid common words such as “' + common[0] + '”.');

  if (/(19|20)\d\d/.test(passphrase)) {
    bits -= 2 * perChar;
    advice.push('Avoid years and dates: they are among the first things tried.');
  }
  if (/^(.{1,4})\1+$/.test(passphrase)) {
    bits = Math.min(bits, 10);
    advice.push('Avoid repeating the same few characters.');
  } else if (predictable >= length / 2) {
    advice.push('Avoid runs and keyboard rows (abc, 123, qwerty).');
  }
  // Capital first, digits or a symbol last: the pattern every rule set tries first.
  if (/^[A-Z][a-z]+[0-9!?.]+$/.test(passphrase)) {
    bits -= 8;
    advice.push('A capital first and digits or a symbol last is the first pattern tried.');
  }

  const words = passphrase.trim().split(/[\s\-_.]+/).filter((w) => w.length >= 3);
  if (words.length >= 4) bits = Math.max(bits, words.length * 11);

  bits = Math.max(0, Math.round(bits));
  let score: StrengthScore;
  if (length < NEW_PASSPHRASE_MIN) score = 0;
  else if (bits < 36) score = 1;
  else if (bits < 55) score = 2;
  else if (bits < 75) score = 3;
  else score = 4;

  if (length < NEW_PASSPHRASE_MIN) advice.unshift(`Use at least ${NEW_PASSPHRASE_MIN} characters.`);
  else if (score < 3) advice.push('Add more words: four or more unrelated words make a strong passphrase that is easy to remember.');
  return { score, label: STRENGTH_LABELS[score], bits, advice: score === 4 ? [] : advice };
}
