// Tallies a fault-matrix report (one JSON line per passed run, written by test/lab/fault-run.ts):
// per fault, the runs that passed out of those asked, how each ended, the records acknowledged.
import { readFileSync } from 'node:fs';

const [file, asked] = process.argv.slice(2);
const runs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const faults = new Map();
for (const r of runs) faults.set(r.fault, [...(faults.get(r.fault) ?? []), r]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`\n${'fault'.padEnd(22)}passed  outcomes${' '.repeat(40)}acked (min-max)  median run`);
for (const [fault, rs] of faults) {
  const outcomes = {};
  for (const r of rs) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  const acked = rs.map((r) => r.acked);
  console.log(
    `${fault.padEnd(22)}${`${rs.length}/${asked}`.padEnd(8)}${Object.entries(outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')
      .padEnd(48)}${`${Math.min(...acked)}-${Math.max(...acked)}`.padEnd(17)}${(median(rs.map((r) => r.ms)) / 1000).toFixed(1)} s`,
  );
}
