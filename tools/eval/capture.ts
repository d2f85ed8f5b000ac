// `node dist-tools/tools/eval/capture.js <save-dir> <command...> <scenario-dir> --json`: runs the command,
// passes its stdout, stderr and exit code through unchanged, and keeps a copy of stdout in
// <save-dir>/<scenario-name>.json (stderr in .stderr). score.mjs runs analyze through it, so that the harness can read
// each scenario's full output afterwards (the suspects' confidences) without running analyze twice.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';

const [saveDir, cmd, ...rest] = process.argv.slice(2);
const scenario = rest.filter((a) => !a.startsWith('--')).pop();
if (!saveDir || !cmd || !scenario) {
  process.stderr.write('usage: node capture.js <save-dir> <command...> <scenario-dir> --json\n');
  process.exit(2);
}
const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
const chunks: Buffer[] = [];
const errs: Buffer[] = [];
child.stdout.on('data', (d: Buffer) => chunks.push(d));
child.stderr.on('data', (d: Buffer) => {
  errs.push(d);
  process.stderr.write(d);
});
child.on('error', (err) => {
  process.stderr.write(`capture: cannot run ${cmd}: ${err.message}\n`);
  process.exit(127);
});
child.on('close', (code, signal) => {
  const out = Buffer.concat(chunks);
  fs.mkdirSync(saveDir, { recursive: true });
  fs.writeFileSync(path.join(saveDir, `${path.basename(scenario)}.json`), out);
  fs.writeFileSync(path.join(saveDir, `${path.basename(scenario)}.stderr`), Buffer.concat(errs));
  process.stdout.write(out, () => process.exit(code ?? (signal ? 1 : 0)));
});
