// `npm run scenario -- [--seed N] [--root-cause payments|inventory|checkout] [--out dir]`:
// writes a deterministic example scenario (default examples/scenarios/checkout-latency).

import { ROOT_CAUSES, generateScenario, type RootCause } from './';

/** Parses the arguments and writes the scenario; returns the exit code. */
export function genScenarioMain(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  let seed = 42;
  let rootCause: RootCause = 'payments';
  let dir = 'examples/scenarios/checkout-latency';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    if ((a === '--seed' || a === '--out' || a === '--root-cause') && v === undefined) {
      err.write(`gen-scenario: ${a} needs a value\n`);
      return 2;
    }
    if (a === '--seed') seed = Number(v);
    else if (a === '--out') dir = v as string;
    else if (a === '--root-cause') {
      if (!ROOT_CAUSES.includes(v as RootCause)) {
        err.write(`gen-scenario: --root-cause must be one of ${ROOT_CAUSES.join(', ')}\n`);
        return 2;
      }
      rootCause = v as RootCause;
    } else {
      err.write(`gen-scenario: unknown argument ${a}\nusage: gen-scenario [--seed N] [--root-cause ${ROOT_CAUSES.join('|')}] [--out dir]\n`);
      return 2;
    }
    i++;
  }
  if (!Number.isInteger(seed)) {
    err.write('gen-scenario: --seed must be an integer\n');
    return 2;
  }
  const truth = generateScenario({ seed, rootCause, out: dir });
  out.write(`wrote ${dir}: root cause ${truth.rootCause} (${truth.culpritChange}), onset ${new Date(truth.timeline.onset).toISOString()}\n`);
  return 0;
}

if (require.main === module) process.exitCode = genScenarioMain(process.argv.slice(2), process.stdout, process.stderr);
