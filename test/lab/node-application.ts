// What the lab scenarios read of a node's sample application and of module log lines.
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * The sample application of a lab node (its web server: node with createServer, started with the
 * node's KEEL_NODE), as the machine numbers it; `gone` resolves with the time of the first 10 ms
 * sample that finds none of them alive (a zombie is not alive). The samples are taken on a worker
 * thread: the lab's synchronous calls (kill, exec) block the test's own event loop for hundreds of
 * milliseconds on a loaded machine, which made a sample taken there late by as much (CI).
 */
export function sampleApplication(node: string): { pids: string[]; gone: Promise<number> } {
  const pids = readdirSync('/proc').filter(
    (p) =>
      /^\d+$/.test(p) &&
      readProc(`/proc/${p}/cmdline`).includes('createServer') &&
      readProc(`/proc/${p}/environ`).split('\0').includes(`KEEL_NODE=${node}`),
  );
  const worker = new Worker(SAMPLER, { eval: true, workerData: { pids, limitMs: 20_000 } });
  worker.unref();
  const gone = new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { goneAt?: number }) =>
      m.goneAt !== undefined
        ? resolve(m.goneAt)
        : reject(new Error(`${node}'s application (${pids.join(', ')}) still runs`)),
    );
    worker.once('error', reject);
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

// The worker's whole program (plain JS: it is not compiled by the test's transformer).
const SAMPLER = `
const { readFileSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const read = (f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
const alive = (pid) => !/^[ZX]/.test(read('/proc/' + pid + '/stat').split(') ')[1] ?? 'X');
const until = Date.now() + workerData.limitMs;
const timer = setInterval(() => {
  if (!workerData.pids.some(alive)) { clearInterval(timer); parentPort.postMessage({ goneAt: Date.now() }); }
  else if (Date.now() > until) { clearInterval(timer); parentPort.postMessage({}); }
}, 10);
`;

/** The time of a module log line `YYYY-MM-DD HH:MM:SS.mmm L text` (UTC, as admin writes it). */
export function logTime(line: string): number {
  const [date, time] = line.split(' ');
  return new Date(`${date}T${time}Z`).getTime();
}
