import { spawn } from 'node:child_process';
import { NodeReboot, RebootRequest } from '../ports/node-reboot.port';

/** The command that reboots a systemd machine; KEEL_REBOOT_COMMAND replaces it (labs, other inits). */
export const DEFAULT_REBOOT_COMMAND = 'systemctl reboot';

/** A reboot command that has not answered by then is taken as failed. */
const REBOOT_COMMAND_TIMEOUT_MS = 60_000;

/**
 * Reboots by running a shell command line (KEEL_REBOOT_COMMAND, default `systemctl reboot`), with
 * KEEL_MODULE and KEEL_REBOOT_IDENTITY in its environment. An exit code 0 means the reboot is
 * under way; anything else is a failure, reported with the command's last stderr line.
 */
export class CommandReboot implements NodeReboot {
  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  get command(): string {
    return this.env.KEEL_REBOOT_COMMAND || DEFAULT_REBOOT_COMMAND;
  }

  reboot(request: RebootRequest): ReturnType<NodeReboot['reboot']> {
    const command = this.command;
    return new Promise((resolve) => {
      const child = spawn('/bin/sh', ['-c', command], {
        env: { ...this.env, KEEL_MODULE: request.module, KEEL_REBOOT_IDENTITY: request.identity },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
      const timer = setTimeout(() => child.kill('SIGKILL'), REBOOT_COMMAND_TIMEOUT_MS);
      child.on('error', (err) => {
        clearTimeout(timer);
        resolve({ ok: false, reason: `${command}: ${err.message}` });
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) return resolve({ ok: true });
        const said = stderr.trim().split('\n').pop();
        const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
        resolve({ ok: false, reason: `${command} ${how}${said ? `: ${said}` : ''}` });
      });
    });
  }
}
