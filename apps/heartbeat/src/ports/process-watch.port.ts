// Whether a process of this node still runs: heartbeat follows admin, the module engine whose
// states it carries to the peer.

export interface ProcessWatch {
  /** False once the process is gone (a pid reused since is taken for the process: see engine-watch.ts). */
  alive(pid: number): boolean;
  /** The inode of this process's PID namespace (/proc/self/ns/pid), if it can be read. */
  pidNamespace(): number | undefined;
}

export const PROCESS_WATCH = Symbol.for('keel.heartbeat.process-watch');
