import { BootSetting } from '@keel/config';
import type { StoredModule } from '../ports/state-store.port';

export interface LaunchInput {
  /** `<service boot>`. */
  readonly boot: BootSetting;
  /** `<service boot_delay>` in seconds. */
  readonly bootDelaySec: number;
  readonly stored: StoredModule;
  /** The machine has not rebooted since state.json was last written: only keel restarted. */
  readonly sameBoot: boolean;
}

export type LaunchDecision =
  | { readonly start: false; readonly reason: string }
  | { readonly start: true; readonly delayMs: number; readonly reason: string };

/**
 * Whether admin starts a module when it starts (reference §5.3 `boot`). After a restart of keel
 * alone, a module that was running is started again at once: its application and its peer expect
 * it. After a reboot, `boot` decides: `on` always, `auto` if it ran before, `off` never, `ignore`
 * the node's own `keel boot on|off` setting; `boot_delay` applies.
 */
export function launchDecision(i: LaunchInput): LaunchDecision {
  if (i.sameBoot) {
    return i.stored.running
      ? { start: true, delayMs: 0, reason: 'it was running when keel stopped' }
      : { start: false, reason: 'it was stopped' };
  }
  const delayMs = i.bootDelaySec * 1000;
  switch (i.boot) {
    case 'on':
      return { start: true, delayMs, reason: 'boot="on"' };
    case 'off':
      return { start: false, reason: 'boot="off"' };
    case 'auto':
      return i.stored.running
        ? { start: true, delayMs, reason: 'boot="auto" and it was running before the reboot' }
        : { start: false, reason: 'boot="auto" and it was stopped before the reboot' };
    case 'ignore':
      return i.stored.settings.boot === 'on'
        ? { start: true, delayMs, reason: 'keel boot on' }
        : { start: false, reason: 'keel boot is off' };
  }
}
