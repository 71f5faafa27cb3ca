// errd's `service="yes"` (reference §5.10): whether a systemd unit is active.

/** Active or not; `error` when systemd could not be asked (errd then judges nothing of it). */
export type UnitState = { readonly active: boolean } | { readonly error: string };

export interface SystemdUnitsPort {
  /** Never throws. */
  state(unit: string): Promise<UnitState>;
}

export const SYSTEMD_UNITS = Symbol.for('keel.checkers.systemdUnits');
