// `npm run scenario -- [--seed N] [--root-cause payments|inventory|checkout] [--fault deploy|external-outage|cert-expiry] [--out dir]`:
// writes a deterministic example scenario (default examples/scenarios/checkout-latency).

import { FAULTS, ROOT_CAUSES, generateScenario, type Fault, type RootCause } from './';

/** Parses the arguments and writes the scenario; returns the exit code. */
export function genScenarioMain(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  let seed = 42;
  let rootCause: RootCause = 'payments';
  let dir = 'examples/scenarios/checkout-latency';
  let fault: Fault = 'deploy';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    if ((a === '--seed' || a === '--out' || a === '--root-cause' || a === '--fault') && v === undefined) {
      err.write(`gen-scenario: ${a} needs a value\n`);
      return 2;
    }
    if (a === '--seed') seed = Number(v);
    else if (a === '--out') dir = v as string;
    else if (a === '--fault') {
      if (!FAULTS.includes(v as Fault)) {
        err.write(`gen-scenario: --fault must be one of ${FAULTS.join(', ')}\n`);
        return 2;
      }
      fault = v as Fault;
    }
    else if (a === '--root-cause') {
      if (!ROOT_CAUSES.includes(v as RootCause)) {
        err.write(`gen-scenario: --root-cause must be one of ${ROOT_CAUSES.join(', ')}\n`);
        return 2;
      }
      rootCause = v as RootCause;
    } else {
      err.write(`gen-scenario: unknown argument ${a}\nusage: gen-scenario [--seed N] [--root-cause ${ROOT_CAUSES.join('|')}] [--fault ${FAULTS.join('|')}] [--out dir]\n`);
      return 2;
    }
    i++;
  }
  if (!Number.isInteger(seed)) {
    err.write('gen-scenario: --seed must be an integer\n');
    return 2;
  }
  const truth = generateScenario({ seed, rootCause, out: dir, fault });
  out.write(`wrote ${dir}: root cause ${truth.culprit} (${truth.culpritChange ?? truth.fault}), onset ${new Date(truth.timeline.onset).toISOString()}\n`);
  return 0;
}

if (require.main === module) process.exitCode = genScenarioMain(process.argv.slice(2), process.stdout, process.stderr);
