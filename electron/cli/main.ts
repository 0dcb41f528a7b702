/**
 * `tearline`: the command line over the same core that the app runs. Every failure is
 * one line on stderr, `CODE: message`, with the exit status of the BRIEF: 0 success,
 * 1 verification or integrity failure, 2 usage, 3 passphrase or lock, 4 anything else.
 */
import { CommanderError } from 'commander';
import { exitCodeFor, TearlineError, toErrorInfo } from '../../shared/errors';
import { mapSqliteError } from '../core/vault/vault-db';
import { buildProgram } from './program';
import { printable } from './io';

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      // Help shown for want of a (sub)command is a usage error, not a success: a script
      // that called `tearline` or `tearline trust` alone did nothing.
      if (error.code === 'commander.help') {
        if (error.exitCode === 0) return 0;
        process.stderr.write('E_USAGE: no command given (see tearline --help, or tearline <command> --help)\n');
        return 2;
      }
      process.stderr.write(`E_USAGE: ${error.message.replace(/^error:\s*/, '').split('\n')[0]} (see tearline --help)\n`);
      return 2;
    }
    // As in the app's core: any SQLite failure that the core has not mapped is still one code.
    const info = toErrorInfo(mapSqliteError(error, 'the command did not complete'));
    process.stderr.write(`${info.code}: ${printable(info.message)}\n`);
    if (!(error instanceof TearlineError) && process.env.TEARLINE_DEBUG) console.error(error);
    return error instanceof TearlineError && error.exit !== undefined ? error.exit : exitCodeFor(info.code);
  }
}

// Until the command has finished, the process is failing: if it ended with the command
// still waiting (on a thread that died unheard, say), 0 would tell a script that it passed.
let finished = false;
process.on('exit', () => {
  if (finished) return;
  process.stderr.write('E_INTERNAL: the command stopped before it finished\n');
  process.exitCode = 4;
});

run(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    finished = true;
    process.stderr.write(`E_INTERNAL: ${String(error)}\n`);
    process.exitCode = 4;
  },
);
