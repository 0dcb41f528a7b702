/** Output conventions of the command: one JSON document with --json, one-line errors. */
import { readFileSync } from 'node:fs';
import { TearlineError } from '../../shared/errors';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLines(lines: string[]): void {
  if (lines.length > 0) process.stdout.write(lines.map(printable).join('\n') + '\n');
}

/**
 * Text for a terminal: control characters (escape sequences in a signer's comment, a
 * sender's name or a record, which could rewrite what the officer sees) are shown as
 * \u escapes, and a line stays one line.
 */
export function printable(line: string): string {
  let out = '';
  for (const c of line) {
    const code = c.codePointAt(0)!;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }
  return out;
}

/** Reads a named file, or standard input for `-`. */
export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new TearlineError('E_IO', `cannot read ${file === '-' ? 'standard input' : file}: ${(error as Error).message}`);
  }
}

/**
 * One JSON object, a JSON array of objects, or NDJSON (one object a line). A syntax error
 * names the line, because officers paste these from other tools.
 */
export function parseBodies(text: string, source: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new TearlineError('E_INVALID_ENTRY', `${source} is empty`);
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (Array.isArray(whole)) return whole;
    return [whole];
  } catch {
    // Not a single document: read it as NDJSON below.
  }
  const bodies: unknown[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      bodies.push(JSON.parse(line));
    } catch (error) {
      throw new TearlineError('E_INVALID_ENTRY', `${source}, line ${i + 1}: not valid JSON (${(error as Error).message})`, { at: `line ${i + 1}` });
    }
  }
  return bodies;
}
