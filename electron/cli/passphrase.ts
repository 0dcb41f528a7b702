/**
 * Where the command line gets a passphrase: TEARLINE_PASSPHRASE, a file, or a prompt on
 * a terminal (never echoed). Never from an argument: those end up in shell history and
 * in every other user's `ps` listing.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { TearlineError } from '../../shared/errors';
import { NEW_PASSPHRASE_MIN } from '../../shared/ipc/schemas';

export interface PassphraseSource {
  env: string;
  file?: string;
  prompt: string;
  /** A new passphrase: asked twice on a terminal, and held to the app's minimum length. */
  confirm?: boolean;
}

export async function readPassphrase(source: PassphraseSource): Promise<string> {
  const passphrase = await readAny(source);
  if (source.confirm && [...passphrase].length < NEW_PASSPHRASE_MIN) {
    throw new TearlineError('E_USAGE', `a new passphrase needs at least ${NEW_PASSPHRASE_MIN} characters (a long phrase of several words is best)`);
  }
  return passphrase;
}

async function readAny(source: PassphraseSource): Promise<string> {
  if (source.file !== undefined) return readPassphraseFile(source.file);
  const fromEnv = process.env[source.env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const terminal = promptOutput();
  if (!terminal) {
    throw new TearlineError(
      'E_USAGE',
      process.stdin.isTTY
        ? `no passphrase: set ${source.env} or use a passphrase file (no terminal to ask on)`
        : `no passphrase: set ${source.env}, use a passphrase file (the file - is standard input), or run on a terminal`,
    );
  }
  try {
    const first = await promptHidden(source.prompt, terminal.write);
    if (source.confirm) {
      const second = await promptHidden('Repeat it: ', terminal.write);
      if (first !== second) throw new TearlineError('E_USAGE', 'the two passphrases differ');
    }
    if (first === '') throw new TearlineError('E_USAGE', 'the passphrase is empty');
    return first;
  } finally {
    terminal.close();
  }
}

/**
 * Where a prompt is written: the terminal the passphrase is typed on. That is standard
 * error, or, when standard error goes to a file (`2>log`), the process's terminal itself,
 * as ssh and gpg do; never when standard input is not a terminal (a pipe or a file is not
 * someone typing).
 */
function promptOutput(): { write: (text: string) => void; close: () => void } | undefined {
  if (!process.stdin.isTTY) return undefined;
  if (process.stderr.isTTY) return { write: (text) => void process.stderr.write(text), close: () => undefined };
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'w');
  } catch {
    return undefined;
  }
  return {
    write: (text) => {
      try {
        writeSync(fd, text);
      } catch {
        // The terminal went away: the answer is still read from standard input.
      }
    },
    close: () => closeSync(fd),
  };
}

/** The whole file (`-`: standard input, for a passphrase piped in), less one trailing line break (editors add one). */
export function readPassphraseFile(file: string): string {
  const name = file === '-' ? 'standard input' : `the passphrase file ${file}`;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new TearlineError('E_IO', `cannot read ${name}: ${(error as Error).message}`);
  }
  const passphrase = text.replace(/\r?\n$/, '');
  if (passphrase === '') throw new TearlineError('E_USAGE', `${name} holds no passphrase`);
  return passphrase;
}

function promptHidden(question: string, write: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let muted = false;
    const output = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        if (!muted) write(chunk.toString());
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      write('\n');
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
    });
    // Ctrl-C, or Ctrl-D on an empty line (which closes the input without an answer).
    rl.on('close', () => {
      if (answered) return;
      write('\n');
      reject(new TearlineError('E_CANCELLED', 'no passphrase was typed'));
    });
    muted = true;
  });
}
