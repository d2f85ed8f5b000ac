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
"$bin" postmortem --help | grep -q '^usage: incident-scout postmortem' || { echo "postmortem --help did not print its usage" >&2; exit 1; }
# Without Redis there is nothing persistent to read: a usage-class error (exit 2), not a crash.
rc=0; env -u REDIS_URL -u REDIS_SENTINELS "$bin" postmortem C0NONE 2>"$work/pm.err" || rc=$?
test "$rc" = 2 && grep -q 'REDIS_URL is not set' "$work/pm.err" || { echo "postmortem without REDIS_URL: exit $rc" >&2; exit 1; }
# The offline commands on the bundled example, as a user tries them first.
example=node_modules/incident-scout/examples/scenarios/checkout-latency
"$bin" analyze "$example" | grep -q '^Onset ' || { echo "analyze printed no report" >&2; exit 1; }
"$bin" analyze --json "$example" | node -e 'JSON.parse(require("fs").readFileSync(0, "utf8"))' || { echo "analyze --json is not JSON" >&2; exit 1; }
"$bin" templates "$example/logs/payments.log" | grep -q ' templates, ' || { echo "templates printed no summary" >&2; exit 1; }
"$bin" templates - <"$example/logs/payments.log" | grep -q ' templates, ' || { echo "templates - did not read stdin" >&2; exit 1; }
"$bin" demo >"$work/demo.txt"
grep -q 'Incident Scout is on it' "$work/demo.txt" || { echo "the demo did not post its status card" >&2; exit 1; }
# Charts render from the installed package alone: resvg's prebuilt binary and the font in assets/.
grep -q 'saved as chart-.*\.png' "$work/demo.txt" || { echo "the demo posted no chart" >&2; exit 1; }
grep -q 'Timeline of #inc-checkout-latency' "$work/demo.txt" || { echo "the demo did not post the timeline" >&2; exit 1; }
grep -q 'Seen before' "$work/demo.txt" || { echo "the demo's second incident did not say Seen before" >&2; exit 1; }
echo "package ok: $(du -h "$work"/incident-scout-*.tgz | cut -f1) tarball, --version/--help/analyze/templates/postmortem/demo work with --omit=dev"
