#!/usr/bin/env node
'use strict';
// `npm install` in a clone builds dist/ so `npm run demo` works right away. Where the dev
// dependencies are absent (`npm ci --omit=dev`) there is no compiler and nothing to build: say so and
// succeed; the production install is the packed tarball or the image, which ship dist/ built.
/* global require, process */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { spawnSync } = require('node:child_process');

try {
  require.resolve('typescript/package.json');
} catch {
  process.stdout.write('incident-scout: typescript is not installed (--omit=dev); skipping the build of dist/\n');
  process.exit(0);
}
const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
