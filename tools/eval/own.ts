// The bot's own kind of scenario for `npm run eval -- --own N`: N seeds of the project's scenario
// generator (tools/scenario), root causes and fault kinds (a bad deploy, an external dependency's outage, its
// certificate expiring) in turn, each with a truth.json in the scorer's format.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAULTS, ROOT_CAUSES, generateScenario } from '../scenario';

/** Seeds start away from the demo's 42 so that the set is not the example everyone has looked at. */
const FIRST_SEED = 1000;

/** Writes `count` scenarios under `dir`; returns dir. */
export function generateOwnSet(dir: string, count: number): string {
  for (let i = 0; i < count; i++) {
    const seed = FIRST_SEED + i;
    const rootCause = ROOT_CAUSES[i % ROOT_CAUSES.length] as (typeof ROOT_CAUSES)[number];
    const fault = FAULTS[Math.floor(i / ROOT_CAUSES.length) % FAULTS.length] as (typeof FAULTS)[number];
    const out = path.join(dir, `own-${fault}-${rootCause}-${seed}`);
    const t = generateScenario({ seed, rootCause, fault, out });
    const herrings = [
      { service: 'notifications', why: `unrelated deploy ${t.unrelatedChange}` },
      { service: t.steadyErrorService, why: 'an error that was already there before the incident' },
      { service: 'api-gateway', why: `change ${t.lateChange} after the onset (mitigation)` },
      ...t.downstream.map((service) => ({ service, why: 'downstream symptom' })),
    ];
    fs.writeFileSync(
      path.join(out, 'truth.json'),
      `${JSON.stringify(
        {
          root_cause_service: t.culprit,
          root_cause_change: t.culpritChange,
          fault_class: t.fault === 'deploy' ? 'bad_deploy' : t.fault.replace('-', '_'),
          red_herrings: herrings.filter((h) => h.service !== t.culprit),
          onset: new Date(t.timeline.onset).toISOString(),
          dataset: 'incident-scout-generator',
        },
        null,
        2,
      )}\n`,
    );
  }
  return dir;
}
