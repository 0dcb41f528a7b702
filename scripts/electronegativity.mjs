// `npm run electronegativity`: Doyensec's Electronegativity over the app's own code,
// electron/ and renderer/, failing on any finding. The two trees are scanned as one
// application, because its global checks (a CSP, navigation limits, a permission handler)
// look for the answer anywhere in the app: the CSP of the renderer is sent by the main
// process. Its command line does not run with the commander version this project hoists,
// so it is driven through its API.
//
// A finding is fixed, or suppressed where it occurs with `// eng-disable CHECK_ID` after a
// comment that says why. Checks excluded for the whole scan are listed here, with why.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const SCANNED = ['electron', 'renderer'];

const EXCLUDED = [
  {
    check: 'AvailableSecurityFixesGlobalCheck',
    why: 'it downloads the list of Electron releases from the network; the Electron version is pinned in package.json and kept current by review (test/shell/checklist.test.ts, item 16)',
  },
];

const engModule = require('@doyensec/electronegativity');
const run = typeof engModule === 'function' ? engModule : engModule.default;
const electronVersion = require('electron/package.json').version;

const staging = mkdtempSync(path.join(tmpdir(), 'tearline-electronegativity-'));
let failed;
try {
  for (const dir of SCANNED) {
    const from = path.join(root, dir);
    if (existsSync(from)) {
      cpSync(from, path.join(staging, dir), { recursive: true, filter: (p) => !/[\\/](node_modules|dist)([\\/]|$)/.test(path.relative(root, p)) });
    }
  }
  const result = await run(
    {
      input: staging,
      isSarif: false,
      customScan: [],
      excludeFromScan: EXCLUDED.map((e) => e.check.toLowerCase()),
      isRelative: true,
      isVerbose: true,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
  // A file it could not parse was not checked: that fails the scan too.
  const unparsed = result.errors.filter((e) => !e.tolerable);
  for (const e of unparsed) console.error(`NOT SCANNED ${path.relative(staging, e.file)}: ${e.message}`);
  for (const issue of result.issues) {
    const where = issue.file === 'N/A' ? 'the whole app' : `${issue.file}:${issue.location.line}:${issue.location.column}`;
    console.error(`${issue.id} (${issue.severity.name}, ${issue.confidence.name}${issue.manualReview ? ', review' : ''}) at ${where}: ${issue.description}`);
  }
  failed = result.issues.length > 0 || unparsed.length > 0;
  console.log(
    `electronegativity ${SCANNED.join(' + ')}: ${result.globalChecks + result.atomicChecks} checks, ${result.issues.length} finding(s), ${unparsed.length} unparsed file(s); excluded: ${EXCLUDED.map((e) => e.check).join(', ')}`,
  );
} finally {
  rmSync(staging, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
