// The CPU time of errd's process scan (libs/procs readProcessTable) with a few hundred processes
// on the node: once reading only each process's stat (no argregex matches their name), once also
// reading the cmdline of every sleeper (an argregex on `sleep`: the worst case, every process a
// candidate). The sleepers are killed before the program ends, whatever happens.
import { spawn, type ChildProcess } from 'node:child_process';
import { argvNeededBy, procSelector, readProcessTable } from '@keel/procs';

/** SafeKit's default errd polltimer (reference §5.10). */
const POLLTIMER_MS = 30_000;

function measure(scans: number, scan: () => number): { cpuMs: number; wallMs: number; seen: number } {
  scan(); // warm-up: code paths compiled, dentries cached, as on the second poll of a service
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let seen = 0;
  for (let i = 0; i < scans; i++) seen = scan();
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / scans, wallMs: (performance.now() - wall0) / scans, seen };
}

async function main(): Promise<void> {
  const processes = Number(process.argv[2] ?? 300);
  const scans = Number(process.argv[3] ?? 200);
  if (!Number.isSafeInteger(processes) || !Number.isSafeInteger(scans) || processes < 0 || scans < 1) {
    process.stderr.write('usage: scan-cost [processes] [scans]\n');
    process.exit(2);
  }
  const sleepers: ChildProcess[] = [];
  const killAll = () => sleepers.forEach((s) => s.kill('SIGKILL'));
  process.once('exit', killAll);
  try {
    for (let i = 0; i < processes; i++) sleepers.push(spawn('/bin/sleep', ['3600'], { stdio: 'ignore' }));
    await Promise.all(sleepers.map((s) => new Promise((r) => s.once('spawn', r))));
    const statOnly = measure(scans, () => readProcessTable({ argvFor: argvNeededBy([]) }).length);
    const withArgs = argvNeededBy([procSelector({ name: 'sleep', argregex: '^/bin/sleep 3600$' })]);
    const everyArgv = measure(scans, () => readProcessTable({ argvFor: withArgs }).length);
    const line = (what: string, m: { cpuMs: number; wallMs: number; seen: number }) =>
      `${what}: ${m.seen} processes, ${m.cpuMs.toFixed(2)} ms CPU per scan (${m.wallMs.toFixed(2)} ms wall), ` +
      `${((m.cpuMs / POLLTIMER_MS) * 100).toFixed(4)} % of a core at polltimer 30s`;
    process.stdout.write(
      [
        `errd scan cost, ${scans} scans, node ${process.version}`,
        line('stat only', statOnly),
        line(`stat + cmdline of ${processes} sleepers`, everyArgv),
      ].join('\n') + '\n',
    );
  } finally {
    killAll();
  }
}

void main();
