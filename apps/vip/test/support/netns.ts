// Private network namespaces for the farm filter's medium tests (root needed): named
// keel-t-<random>, addressed only from 198.18.0.0/15, never joined to the machine's own links,
// and always deleted by the test that made them.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export function testNetnsName(suffix = ''): string {
  return `keel-t-${randomBytes(4).toString('hex')}${suffix}`;
}

/** Runs a command to completion; throws with its standard error when it fails. */
export function sh(cmd: string, args: readonly string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** `ip -batch` in a namespace: one process for many commands. */
export function ipBatch(netns: string, lines: readonly string[]): void {
  sh('ip', ['-n', netns, '-batch', '-'], `${lines.join('\n')}\n`);
}

export function inNetns(netns: string, cmd: string, args: readonly string[]): string {
  return sh('ip', ['netns', 'exec', netns, cmd, ...args]);
}

export function deleteNetns(names: readonly string[]): void {
  for (const n of names) spawnSync('ip', ['netns', 'del', n], { encoding: 'utf8' });
}

/**
 * A long-running node script in a namespace that prints one JSON line per line it is sent;
 * the first line it prints (e.g. `ready`) is awaited by `started`.
 */
export class NetnsProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly lines: string[] = [];
  private stderr = '';

  constructor(netns: string, script: string, env: Record<string, string>) {
    this.child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', script], {
      env: { ...process.env, ...env },
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
  }

  /** The next line it prints. */
  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.child.once('exit', (code) => reject(new Error(`exited (${code}): ${this.stderr}`)));
    });
  }

  async ask(): Promise<string> {
    this.child.stdin.write('\n');
    return this.next();
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** Runs a node script in a namespace to completion and returns its standard output. */
export function nodeInNetns(netns: string, script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', script], {
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}
