import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Fence, FencePort, FenceRequest } from '../ports/fence.port';

/** How long keel-fence may take to say it is ready. */
const READY_TIMEOUT_MS = 10_000;

/**
 * keel-fence as a child of admin (native/crates/keel-fence): it prints `ready <pid>`, ends when
 * its stdin closes, and dies (with everything in its namespace) when admin dies, withdrawing the
 * module's virtual IPs as it goes.
 */
export class ProcessFence implements FencePort {
  constructor(private readonly binary: string) {}

  open(request: FenceRequest): Promise<Fence> {
    const args = ['--module', request.module, '--parent', String(process.pid)];
    for (const dir of request.dirs) args.push('--dir', dir);
    for (const vip of request.vips) args.push('--vip', vip);
    const child = spawn(this.binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4096)));
    const exited = new Promise<string>((resolve) =>
      child.on('close', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with ${code}`)),
    );
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
        void exited.then(async (how) => {
          if (closing) return;
          // keel-fence itself killed: the kernel is still taking the namespace down; the loss is
          // told once its first process is gone, so a new fence never meets the old application.
          await gone(pid);
          request.onLost(stderr.trim() || `keel-fence ${how}`);
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
      void exited.then((how) => {
        clearTimeout(timer);
        // Before `ready`: the reason is on stderr (`keel-fence: module …: why`).
        reject(new Error(stderr.trim().replace(/^keel-fence: /, '') || `keel-fence ${how}`));
      });
    });
  }
}

/** Resolves once `pid` is gone (bounded: a process stuck in the kernel is not waited for ever). */
async function gone(pid: number, boundMs = 10_000): Promise<void> {
  for (const until = Date.now() + boundMs; existsSync(`/proc/${pid}`) && Date.now() < until;)
    await new Promise((r) => setTimeout(r, 20));
}
