import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Fence, FencePort, FenceRequest } from '../ports/fence.port';

/** How long keel-fence may take to say it is ready. */
const READY_TIMEOUT_MS = 10_000;

/**
 * keel-fence as a child of admin (native/crates/keel-fence): it prints `ready <pid>`, ends when
 * its stdin closes, and dies (with everything in its namespace) when admin dies.
 */
export class ProcessFence implements FencePort {
  constructor(private readonly binary: string) {}

  open(request: FenceRequest): Promise<Fence> {
    const args = ['--module', request.module, '--parent', String(process.pid)];
    for (const dir of request.dirs) args.push('--dir', dir);
    const child = spawn(this.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4096)));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let closing = false;
    return new Promise<Fence>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`keel-fence did not start within ${READY_TIMEOUT_MS / 1000}s`));
      }, READY_TIMEOUT_MS);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${this.binary}: ${e.message}`));
      });
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => {
        clearTimeout(timer);
        const pid = Number(/^ready (\d+)$/.exec(line)?.[1]);
        if (!Number.isInteger(pid) || pid <= 0) {
          child.kill('SIGKILL');
          return reject(new Error(`keel-fence said '${line.slice(0, 200)}'`));
        }
        void exited.then((code) => {
          if (!closing) request.onLost(stderr.trim() || `keel-fence exited with ${code}`);
        });
        resolve({
          pid,
          close: () => {
            closing = true;
            child.stdin.end();
            return exited.then(() => undefined);
          },
        });
      });
      void exited.then((code) => {
        clearTimeout(timer);
        // Before `ready`: the reason is on stderr (`keel-fence: module …: why`).
        reject(new Error(stderr.trim().replace(/^keel-fence: /, '') || `keel-fence exited with ${code}`));
      });
    });
  }
}
