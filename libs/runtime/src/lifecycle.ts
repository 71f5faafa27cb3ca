// The phases of a service's start and stop, one copy for every service: a start runs once, a
// stop during the start makes the start give up where it stands, a second stop does nothing.

export type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

export class Lifecycle {
  private current: Phase = 'idle';

  get phase(): Phase {
    return this.current;
  }

  /** Starting or running: what the service receives is acted on. */
  get active(): boolean {
    return this.current === 'starting' || this.current === 'running';
  }

  /** False when the service was already started (or stopped): the caller does nothing. */
  beginStart(): boolean {
    if (this.current !== 'idle') return false;
    this.current = 'starting';
    return true;
  }

  /** False when a stop came during the start: the caller leaves the start there. */
  started(): boolean {
    if (this.current !== 'starting') return false;
    this.current = 'running';
    return true;
  }

  /** False when a stop is already done or under way. */
  beginStop(): boolean {
    if (this.current === 'stopping' || this.current === 'stopped') return false;
    this.current = 'stopping';
    return true;
  }

  stopped(): void {
    this.current = 'stopped';
  }
}
