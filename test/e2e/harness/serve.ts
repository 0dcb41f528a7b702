/**
 * The harness on its own, for looking at the app in a browser by hand:
 *
 *   node scripts/build.mjs                      # builds dist/renderer
 *   npx tsx test/e2e/harness/serve.ts [--dir DIR] [--port N] [--kdf interactive|moderate|sensitive] [--minute-ms N]
 *
 * then open the printed address in Chromium. With --dir the workstation (vault, settings,
 * saved files) is kept between runs; without it a temporary one is removed on exit. Save
 * dialogs write into DIR/files, and open dialogs take the newest matching file there.
 */
import { parseArgs } from 'node:util';
import { KDF_LEVEL_NAMES } from '../../../shared/ipc';
import { startHarness } from './server';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    kdf: { type: 'string', default: 'interactive' },
    'minute-ms': { type: 'string', default: '60000' },
  },
});

const kdf = KDF_LEVEL_NAMES.find((level) => level === values.kdf);
if (!kdf) {
  console.error(`--kdf must be one of ${KDF_LEVEL_NAMES.join(', ')}`);
  process.exit(2);
}

const harness = await startHarness({
  ...(values.dir ? { dir: values.dir } : {}),
  port: Number(values.port),
  kdf,
  autoLockMinuteMs: Number(values['minute-ms']),
  dialogs: 'choose',
  log: (line) => console.error(line),
});
console.log(`Tearline test harness: ${harness.url}`);
console.log(`workstation folder: ${harness.dir} (files: ${harness.filesDir})`);

let closing = false;
async function stop(): Promise<void> {
  if (closing) return;
  closing = true;
  await harness.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
