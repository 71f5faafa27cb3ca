// What the lab scenarios read of a node's sample application and of module log lines.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The sample application of a lab node (its web server: node with createServer, started with the
 * node's KEEL_NODE), as the machine numbers it; `gone` resolves with the time of the first 10 ms
 * sample that finds none of them alive (a zombie is not alive).
 */
export function sampleApplication(node: string): { pids: string[]; gone: Promise<number> } {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const alive = (pid: string) => !/^[ZX]/.test(read(`/proc/${pid}/stat`).split(') ')[1] ?? 'X');
  const pids = readdirSync('/proc').filter(
    (p) =>
      /^\d+$/.test(p) &&
      read(`/proc/${p}/cmdline`).includes('createServer') &&
      read(`/proc/${p}/environ`).split('\0').includes(`KEEL_NODE=${node}`),
  );
  const gone = new Promise<number>((resolve, reject) => {
    const until = Date.now() + 20_000;
    const timer = setInterval(() => {
      if (!pids.some(alive)) {
        clearInterval(timer);
        resolve(Date.now());
      } else if (Date.now() > until) {
        clearInterval(timer);
        reject(new Error(`${node}'s application (${pids.join(', ')}) still runs`));
      }
    }, 10);
  });
  gone.catch(() => undefined); // awaited later; a rejection before then is not unhandled
  return { pids, gone };
}

/** The time of a module log line `YYYY-MM-DD HH:MM:SS.mmm L text` (UTC, as admin writes it). */
export function logTime(line: string): number {
  const [date, time] = line.split(' ');
  return new Date(`${date}T${time}Z`).getTime();
}
