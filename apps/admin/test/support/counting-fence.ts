import { Fence, FencePort, FenceRequest } from '../../src/ports/fence.port';

/** The fence's in-memory twin: numbered fences, their opens and closes, a loss on demand. */
export class CountingFence implements FencePort {
  readonly events: string[] = [];
  private last: FenceRequest | undefined;
  private next = 100;
  /** Set: every open is refused with this reason. */
  refuse: string | undefined;

  open(request: FenceRequest): Promise<Fence> {
    if (this.refuse !== undefined) return Promise.reject(new Error(this.refuse));
    const pid = this.next++;
    this.last = request;
    this.events.push(`open ${pid}`);
    return Promise.resolve({
      pid,
      close: () => {
        this.events.push(`close ${pid}`);
        return Promise.resolve();
      },
    });
  }

  /** The last fence opened is killed from outside. */
  lose(reason: string): void {
    this.last?.onLost(reason);
  }
}
