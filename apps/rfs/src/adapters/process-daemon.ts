// The production RfsDaemonPort: keel-rfsd as a child process. stdout lines are parsed into
// events, stderr lines are log lines; the exit is reported once, after both streams are drained,
// so a last "error" event always precedes it.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseDaemonLine } from '../core/daemon-events';
import {
  DaemonSpawnError,
  type DaemonListener,
  type DaemonProcess,
  type DaemonSpec,
  type RfsDaemonPort,
} from '../ports/daemon.port';

export class ProcessDaemons implements RfsDaemonPort {
  spawn(spec: DaemonSpec, listener: DaemonListener): DaemonProcess {
    try {
      accessSync(spec.binary, constants.X_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new DaemonSpawnError(
        spec.binary,
        code === 'ENOENT'
          ? 'no such file; build it with `npm run build:native` or set KEEL_RFSD'
          : `not executable (${code ?? (err as Error).message})`,
      );
    }
    try {
      mkdirSync(spec.stateDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new DaemonSpawnError(
        spec.binary,
        `cannot create the state directory ${spec.stateDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
    const child = spawn(spec.binary, [...spec.args], { stdio: ['pipe', 'pipe', 'pipe'] });
    // A daemon that exits closes the pipe under a pending write: EPIPE is its exit's news, not ours.
    child.stdin.on('error', () => undefined);
    // Without a control pipe its stdin ends at once, as /dev/null would.
    if (!spec.control) child.stdin.end();
    let open = 2;
    let ended: { code: number | null; signal: string | null; error?: string } | undefined;
    let reported = false;
    const report = () => {
      if (reported || !ended || open > 0) return;
      reported = true;
      listener.exit(ended);
    };
    const lines = (stream: NodeJS.ReadableStream, each: (line: string) => void) => {
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      rl.on('line', (line) => {
        if (line.trim() !== '') each(line);
      });
      rl.on('close', () => {
        open -= 1;
        report();
      });
    };
    lines(child.stdout, (line) => {
      const parsed = parseDaemonLine(line);
      if (parsed.ok) listener.event(parsed.event);
      else listener.log(`unrecognised stdout line (${parsed.why}): ${line.slice(0, 512)}`, 'warn');
    });
    lines(child.stderr, (line) => listener.log(line, 'info'));
    child.on('error', (err) => {
      // Spawning failed after the checks (e.g. a race with a rebuild): no 'exit' will follow.
      ended ??= { code: null, signal: null, error: err.message };
      open = 0;
      report();
    });
    child.on('exit', (code, signal) => {
      ended ??= { code, signal };
      report();
    });
    return {
      get pid() {
        return child.pid;
      },
      signal: (sig) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      },
      control: (line) => {
        const pipe = child.stdin;
        if (!spec.control || pipe.destroyed || !pipe.writable) return false;
        pipe.write(line);
        return true;
      },
    };
  }
}
