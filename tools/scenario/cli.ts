// `npm run scenario -- [--seed N] [--root-cause payments|inventory|checkout] [--fault deploy|external-outage|cert-expiry] [--out dir]`:
// writes a deterministic example scenario (default examples/scenarios/checkout-latency).

import { argumentError, parseCommand, usageError, type CommandSpec } from '../../src/cli/args';
import { fsReason } from '../../src/domain/errors';
import { FAULTS, ROOT_CAUSES, generateScenario, type Fault, type RootCause } from './';

type Options = {
  seed: { type: 'string' };
  'root-cause': { type: 'string' };
  fault: { type: 'string' };
  out: { type: 'string' };
};

const SPEC = {
  program: 'npm run',
  name: 'scenario',
  helpCommand: 'npm run scenario -- --help',
  usage: `scenario -- [--seed N] [--root-cause ${ROOT_CAUSES.join('|')}] [--fault ${FAULTS.join('|')}] [--out dir]`,
  description: `Write a deterministic example scenario directory (logs, metrics, changes, topology, traces).

  --seed N            the random seed (default 42)
  --root-cause NAME   which service's fault causes the incident (default payments)
  --fault KIND        what goes wrong: ${FAULTS.join(', ')} (default deploy)
  --out DIR           where to write it; without it, only the bundled example (no other option) is
                      rewritten in examples/scenarios/checkout-latency`,
  options: {
    seed: { type: 'string' },
    'root-cause': { type: 'string' },
    fault: { type: 'string' },
    out: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
} satisfies CommandSpec<Options>;

/** Parses the arguments and writes the scenario; returns the exit code. */
export function genScenarioMain(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const parsed = parseCommand(SPEC, args, out, err);
  if (typeof parsed === 'number') return parsed;
  const seed = Number(parsed.values.seed ?? '42');
  if (!Number.isInteger(seed))
    return usageError(SPEC, `--seed ${JSON.stringify(parsed.values.seed)} is not an integer`, err);
  const rootCause = (parsed.values['root-cause'] ?? 'payments') as RootCause;
  if (!ROOT_CAUSES.includes(rootCause))
    return argumentError(SPEC, `--root-cause must be one of ${ROOT_CAUSES.join(', ')}`, err);
  const fault = (parsed.values.fault ?? 'deploy') as Fault;
  if (!FAULTS.includes(fault)) return argumentError(SPEC, `--fault must be one of ${FAULTS.join(', ')}`, err);
  // The bundled example is the default scenario: any other must say where it goes, or `--seed 7` alone would
  // replace the example the README, the demo and the tests tell their story from.
  const custom = ['seed', 'root-cause', 'fault'].filter((o) => parsed.values[o as keyof Options] !== undefined);
  if (parsed.values.out === undefined && custom.length > 0)
    return usageError(
      SPEC,
      `--out DIR is required with --${custom.join(', --')} (without options it rewrites the bundled example)`,
      err,
    );
  const dir = parsed.values.out ?? 'examples/scenarios/checkout-latency';
  let truth: ReturnType<typeof generateScenario>;
  try {
    truth = generateScenario({ seed, rootCause, out: dir, fault });
  } catch (e) {
    return argumentError(SPEC, `cannot write ${dir}: ${fsReason(e)}`, err);
  }
  out.write(
    `wrote ${dir}: root cause ${truth.culprit} (${truth.culpritChange ?? truth.fault}), onset ${new Date(truth.timeline.onset).toISOString()}\n`,
  );
  return 0;
}

if (require.main === module) process.exitCode = genScenarioMain(process.argv.slice(2), process.stdout, process.stderr);
