#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, then `npm install --omit=dev <tarball>` in an empty
# folder, then the installed `incident-scout` must answer --version and --help and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
mkdir "$work/app"
cd "$work/app"
printf '{"name":"check","version":"1.0.0","private":true}\n' >package.json
npm install --omit=dev --no-audit --no-fund --silent "$work"/incident-scout-*.tgz
bin=./node_modules/.bin/incident-scout
test -z "$(ls node_modules | grep -E '^(typescript|jest|eslint|ts-jest)$' || true)" || { echo "a dev dependency was installed" >&2; exit 1; }
"$bin" --version
"$bin" --help >/dev/null
"$bin" serve --help >/dev/null
"$bin" demo >"$work/demo.txt"
grep -q 'Incident Scout is on it' "$work/demo.txt" || { echo "the demo did not post its status card" >&2; exit 1; }
# Charts render from the installed package alone: resvg's prebuilt binary and the font in assets/.
grep -q 'saved as chart-.*\.png' "$work/demo.txt" || { echo "the demo posted no chart" >&2; exit 1; }
echo "package ok: $(du -h "$work"/incident-scout-*.tgz | cut -f1) tarball, --version/--help/demo work with --omit=dev"
