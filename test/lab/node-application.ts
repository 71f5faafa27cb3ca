// What the lab scenarios read of a node's sample application and of module log lines.
import { readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';

/** The host pids of the sample application of a lab node (its web server started with KEEL_NODE). */
export function applicationPids(node: string): string[] {
  return readdirSync('/proc').filter(
    (p) =>
      /^\d+$/.test(p) &&
      readProc(`/proc/${p}/cmdline`).includes('createServer') &&
      readProc(`/proc/${p}/environ`).split('\0').includes(`KEEL_NODE=${node}`),
  );
}

/**
 * The sample application of a lab node, as the machine numbers it; `gone` resolves with the time
 * of the first 10 ms sample that finds none of them alive (a zombie is not alive). The samples are
 * taken by a process of their own at a real-time priority (chrt): on a loaded machine a sampler
 * sharing the test's process, even on a worker thread, was seen to run over a second late (CI).
 */
export function sampleApplication(node: string): { pids: string[]; gone: Promise<number> } {
  const pids = applicationPids(node);
  const sampler = spawn(
    CHRT,
    ['--fifo', '20', process.execPath, '-e', SAMPLER, JSON.stringify(pids), '20000'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  sampler.unref();
  let out = '';
  const gone = new Promise<number>((resolve, reject) => {
    sampler.stdout.on('data', (d: Buffer) => (out += d.toString()));
    sampler.once('error', reject);
    sampler.once('exit', () => {
      const m = /^gone (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`${node}'s application (${pids.join(', ')}) still runs`));
    });
  });
  gone.catch(() => undefined); // awaited later; a rejection before then is not unhandled
  return { pids, gone };
}

function readProc(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const CHRT = '/usr/bin/chrt';

// The sampler's whole program (plain JS: it is not compiled by the test's transformer). argv: the
// pids as JSON, the time limit in ms. It prints `gone <ms>` when none is alive, nothing otherwise.
const SAMPLER = `
const { readFileSync } = require('node:fs');
const pids = JSON.parse(process.argv[1]);
const until = Date.now() + Number(process.argv[2]);
const read = (f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
const alive = (pid) => !/^[ZX]/.test(read('/proc/' + pid + '/stat').split(') ')[1] ?? 'X');
const timer = setInterval(() => {
  if (!pids.some(alive)) { clearInterval(timer); process.stdout.write('gone ' + Date.now() + '\\n'); }
  else if (Date.now() > until) clearInterval(timer);
}, 10);
`;

/** The time of a module log line `YYYY-MM-DD HH:MM:SS.mmm L text` (UTC, as admin writes it). */
export function logTime(line: string): number {
  const [date, time] = line.split(' ');
  return new Date(`${date}T${time}Z`).getTime();
}
