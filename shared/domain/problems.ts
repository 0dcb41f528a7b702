/**
 * Turns zod's issues into problems an officer can act on: a field path (`reasons.0`,
 * `intendedVictim.usPerson`, the form react-hook-form also uses) and a short message.
 */
import { z } from 'zod';

export interface FieldProblem {
  /** The field path, dot-separated; '' for the body as a whole. */
  at: string;
  message: string;
}

/** Messages for the issues a field's own schema leaves to the caller. */
export const genericMessage: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      return `expected ${typeNoun(iss.expected)}, got ${describeValue(iss.input)}`;
    case 'too_small':
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? 'must not be empty' : `must be at least ${iss.minimum} characters`;
      if (iss.origin === 'array') return Number(iss.minimum) <= 1 ? 'needs at least one item' : `needs at least ${iss.minimum} items`;
      return `must be at least ${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'string') return `must be at most ${iss.maximum} characters`;
      if (iss.origin === 'array') return `may hold at most ${iss.maximum} items`;
      return `must be at most ${iss.maximum}`;
    case 'invalid_value':
      return `expected one of: ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `is not a valid ${iss.format}`;
    case 'invalid_key':
      return 'has an invalid field name';
    case 'unrecognized_keys':
      return `unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return undefined;
  }
};

function typeNoun(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
    case 'int':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object (a group of fields)';
    case 'array':
      return 'a list';
    default:
      return expected;
  }
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function pathString(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * One problem per issue, with unknown fields expanded one per key (each with its own path)
 * and put first: a misspelt field also shows up as a missing one, and the spelling is the
 * problem to fix.
 */
export function toProblems(issues: readonly z.core.$ZodIssue[], objectAt: (path: PropertyKey[]) => z.ZodObject | undefined): FieldProblem[] {
  const unknown: FieldProblem[] = [];
  const others: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(objectAt(issue.path)?.shape ?? {});
      for (const key of issue.keys) {
        const guess = closest(key, known);
        unknown.push({
          at: pathString([...issue.path, key]),
          message: `unknown field${guess ? ` (did you mean "${guess}"?)` : ''}`,
        });
      }
    } else {
      others.push({ at: pathString(issue.path), message: issue.message });
    }
  }
  return [...unknown, ...others];
}

/** The first problem, as the one-line message of an E_INVALID_ENTRY error. */
export function problemLine(prefix: string, problems: readonly FieldProblem[]): string {
  const first = problems[0]!;
  const where = first.at ? `${prefix}.${first.at}` : prefix;
  const more = problems.length - 1;
  return `${where}: ${first.message}${more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : ''}`;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
