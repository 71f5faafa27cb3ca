// The namespace a module's scripts and application run in, from its first script to STOP
// (docs/decisions/0013): opened for the first script, ended at STOP with whatever the stop scripts
// left in it; a fence that ends unasked means the application was killed.
import type { Clock } from '../ports/clock.port';
import type { Fence, FencePort } from '../ports/fence.port';
import type { LogLevel } from '../ports/module-log.port';

/** How long a new fence waits for the previous one to end. */
const FENCE_CLOSE_WAIT_MS = 30_000;

export interface ModuleFenceHost {
  readonly module: string;
  readonly dirs: readonly string[];
  /** The module's virtual IPs: the fence withdraws them when it ends. */
  readonly vips: readonly string[];
  readonly fences: FencePort;
  readonly clock: Clock;
  write(level: LogLevel, text: string): void;
  /** The fence ended unasked: the application is gone. */
  lost(): void;
}

export class ModuleFence {
  private fence: Promise<Fence> | undefined;
  /** The end of the previous fence: a new one waits for it (its leftovers hold ports, files). */
  private closed: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly host: ModuleFenceHost) {}

  /** The module's fence, opened for its first script. */
  open(): Promise<Fence> {
    if (this.fence) return this.fence;
    const { host } = this;
    const opened: Promise<Fence> = this.closed.then(() =>
      host.fences.open({
        module: host.module,
        dirs: [...host.dirs],
        vips: [...host.vips],
        onLost: (reason) => {
          if (this.disposed || this.fence !== opened) return;
          this.fence = undefined;
          host.write(
            'E',
            `The application's fence ended unasked (${reason}): every process of the module was killed`,
          );
          host.lost();
        },
      }),
    );
    this.fence = opened;
    // A fence that could not be made is tried again by the next script.
    opened.catch(() => {
      if (this.fence === opened) this.fence = undefined;
    });
    return opened;
  }

  /**
   * At STOP: ends the fence, and whatever the stop scripts left running in it. A process that will
   * not die (stuck in the kernel on a dead disk) holds the next start back FENCE_CLOSE_WAIT_MS at
   * most, with an error line.
   */
  close(): void {
    const fence = this.fence;
    this.fence = undefined;
    if (!fence) return;
    const ended = fence.then((f) => f.close()).catch(() => undefined);
    this.closed = new Promise<void>((resolve) => {
      // It does not keep admin alive at its shutdown: the fences die with it.
      const timer = this.host.clock.setTimer(FENCE_CLOSE_WAIT_MS, () => {
        this.host.write(
          'E',
          `The application's fence did not end within ${FENCE_CLOSE_WAIT_MS / 1000}s: a process in it does not die; starting anyway`,
        );
        resolve();
      });
      void ended.then(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  /** admin is going down: the fences die with it, and their end is no loss to act on. */
  dispose(): void {
    this.disposed = true;
  }
}
