// What `keel healthcheck` asks of the machine, behind one small port so the checks are pure and a
// test can give a machine that lacks something (system-probe.ts is the real one).

export type FileKind = 'file' | 'dir' | 'char' | 'link' | 'other';

export interface PortHolder {
  readonly pid: number | undefined;
  /** Its command line, shortened; '(unknown process)' when no process could be named. */
  readonly command: string;
}

export interface HealthProbe {
  /** The path itself (a link is not followed): its kind and permission bits, or undefined when absent. */
  stat(path: string): { readonly kind: FileKind; readonly mode: number } | undefined;
  /** Where a program is found (PATH and the sbin directories), or undefined. */
  which(program: string): string | undefined;
  /** A small text file (e.g. /proc/filesystems), or undefined when it cannot be read. */
  read(path: string): string | undefined;
  /** A program's exit code and standard output (bounded in time), or undefined when it cannot run. */
  run(program: string, args: readonly string[]): { readonly code: number; readonly out: string } | undefined;
  /** The process that listens on (TCP) or is bound to (UDP) the port, or undefined when it is free. */
  portHolder(proto: 'tcp' | 'udp', port: number): PortHolder | undefined;
}
