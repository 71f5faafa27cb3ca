// What the checkers service knows of one module, from the resources admin publishes (pure):
// which activation windows are open (window.<w>, moved by the engine around the start_/stop_
// scripts), whether `checker off` / `errd off` hold, which errd classes the scripts enabled,
// and what the heartbeats say of the peer (for the splitbrain verdict).

/** Classes errd opens and closes with the module's windows; any other class is custom (reference §5.10). */
export const WINDOW_CLASSES = new Set(['pre', 'prim', 'second', 'sec', 'both']);

export class ModuleView {
  private readonly values = new Map<string, string>();

  /** Records a resource; true when what it says changed. */
  update(name: string, value: string): boolean {
    if (this.values.get(name) === value) return false;
    this.values.set(name, value);
    return true;
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  windowOpen(window: string): boolean {
    return this.values.get(`window.${window}`) === 'up';
  }

  get checkersOn(): boolean {
    return this.values.get('usersetting.checker') !== 'off';
  }

  get errdOn(): boolean {
    return this.values.get('usersetting.errd') !== 'off';
  }

  /**
   * A standard class is monitored while its window is open, unless `errd disable` suspended it; a
   * custom class only once `errd enable` named it.
   */
  errdClassActive(cls: string): boolean {
    const set = this.values.get(`errdclass.${cls}`);
    return WINDOW_CLASSES.has(cls) ? this.windowOpen(cls) && set !== 'disabled' : set === 'enabled';
  }

  /**
   * The peer as the heartbeats see it: `heard` when one LAN is up, `lost` when every LAN is
   * down, `unknown` before every LAN was judged (a module just started, or no heartbeat at all).
   */
  get peer(): 'heard' | 'lost' | 'unknown' {
    const lans = [...this.values].filter(([k]) => k.startsWith('heartbeat.')).map(([, v]) => v);
    if (lans.includes('up')) return 'heard';
    return lans.length > 0 && lans.every((v) => v === 'down') ? 'lost' : 'unknown';
  }
}
