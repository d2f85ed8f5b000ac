#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/: by `npm install` in a clone (scripts/prepare.js), and before `npm pack`.
let cli;
try {
  cli = require('../dist/cli/index.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/index.js')) {
    process.stderr.write('incident-scout: dist/ is missing; run `npm install` (or `npm run build`) first\n');
    process.exit(2);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  // main() reports every failure itself; this is the last resort, still one line.
  (err) => {
    process.stderr.write(`incident-scout: unexpected error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
