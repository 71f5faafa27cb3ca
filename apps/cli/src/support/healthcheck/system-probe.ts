// HealthProbe on this machine: lstat, PATH (and the sbin directories root's PATH may lack), /proc,
// programs run with a timeout and no shell, and the sockets of /proc/net matched to their process
// through /proc/<pid>/fd.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FileKind, HealthProbe, PortHolder } from './health-probe.port';

const SBIN = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const RUN_TIMEOUT_MS = 5_000;

export class SystemProbe implements HealthProbe {
  constructor(private readonly path: string | undefined = process.env.PATH) {}

  stat(path: string): { kind: FileKind; mode: number } | undefined {
    try {
      const st = lstatSync(path);
      const kind: FileKind = st.isFile()
        ? 'file'
        : st.isDirectory()
          ? 'dir'
          : st.isCharacterDevice()
            ? 'char'
            : st.isSymbolicLink()
              ? 'link'
              : 'other';
      return { kind, mode: st.mode & 0o7777 };
    } catch {
      return undefined;
    }
  }

  which(program: string): string | undefined {
    const dirs = [...(this.path ?? '').split(':').filter((d) => d.startsWith('/')), ...SBIN];
    for (const dir of dirs) {
      const file = join(dir, program);
      try {
        accessSync(file, constants.X_OK);
        if (lstatSync(file).isDirectory()) continue;
        return file;
      } catch {
        /* not there */
      }
    }
    return undefined;
  }

  read(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  run(program: string, args: readonly string[]): { code: number; out: string } | undefined {
    const file = this.which(program);
    if (!file) return undefined;
    try {
      const out = execFileSync(file, args, {
        encoding: 'utf8',
        timeout: RUN_TIMEOUT_MS,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return { code: 0, out };
    } catch (e) {
      const err = e as { status?: number | null; stdout?: string };
      if (typeof err.status === 'number') return { code: err.status, out: err.stdout ?? '' };
      return undefined;
    }
  }

  portHolder(proto: 'tcp' | 'udp', port: number): PortHolder | undefined {
    const inodes = new Set<string>();
    for (const file of [`/proc/net/${proto}`, `/proc/net/${proto}6`]) {
      for (const s of boundSockets(this.read(file) ?? '', proto)) if (s.port === port) inodes.add(s.inode);
    }
    if (inodes.size === 0) return undefined;
    return owner(inodes) ?? { pid: undefined, command: '(unknown process)' };
  }
}

/** Listening TCP sockets (state 0A), bound UDP sockets (any local port), of one /proc/net table. */
export function boundSockets(table: string, proto: 'tcp' | 'udp'): { port: number; inode: string }[] {
  return table
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (local === undefined || inode === undefined) return [];
      const port = parseInt(local.split(':')[1] ?? '', 16);
      if (!Number.isInteger(port) || port === 0) return [];
      if (proto === 'tcp' && state !== '0A') return [];
      return [{ port, inode }];
    });
}

function owner(inodes: ReadonlySet<string>): PortHolder | undefined {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) return { pid: Number(pid), command: commandLine(pid) };
    }
  }
  return undefined;
}

function commandLine(pid: string): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return argv.length > 160 ? `${argv.slice(0, 157)}...` : argv || '(no command line)';
  } catch {
    return '(gone)';
  }
}
