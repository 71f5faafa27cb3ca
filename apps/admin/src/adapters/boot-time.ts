import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';

/** Clock ticks per second of the times in /proc/<pid>/stat (USER_HZ: 100 on Linux's ABIs). */
const USER_HZ = 100;

/**
 * When this machine booted (ms since the epoch): the start of PID 1 of this PID namespace. A
 * machine's init starts at its boot; a container's or a lab node's init starts when that one
 * "boots", which is what tells a restart of keel alone from a reboot (see launchDecision). Falls
 * back to the kernel's uptime when /proc cannot say.
 */
export function machineBootedAt(now: number = Date.now(), proc = '/proc'): number {
  try {
    const uptimeSec = Number(readFileSync(join(proc, 'uptime'), 'utf8').split(' ')[0]);
    const stat = readFileSync(join(proc, '1', 'stat'), 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count the fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[22 - 3]); // field 22: starttime, in ticks since the kernel booted
    if (Number.isFinite(uptimeSec) && Number.isFinite(startTicks) && startTicks >= 0) {
      return now - (uptimeSec - startTicks / USER_HZ) * 1000;
    }
  } catch {
    // No /proc here: the kernel's uptime below.
  }
  return now - uptime() * 1000;
}
