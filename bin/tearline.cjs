#!/usr/bin/env node
'use strict';
// The command is bundled by `npm run build` (run by `npm ci` through `prepare`).
try {
  require.resolve('../dist/cli.cjs');
} catch {
  process.stderr.write('E_NOT_BUILT: run `npm ci` (or `node scripts/build.mjs --node`) first\n');
  process.exit(4);
}
require('../dist/cli.cjs');
