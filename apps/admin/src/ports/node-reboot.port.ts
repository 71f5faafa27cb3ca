/** Why a module asks for the node to reboot: its automatic stopstart (automatic_reboot="on"). */
export interface RebootRequest {
  readonly module: string;
  /** The identity of the stopstart: the failover rule or checker that fired. */
  readonly identity: string;
}

/**
 * Reboots this machine. Resolves once the reboot has been asked for (the machine goes down
 * afterwards, taking this process with it), or with why it could not be.
 */
export interface NodeReboot {
  reboot(
    request: RebootRequest,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }>;
}

export const NODE_REBOOT = Symbol.for('keel.admin.nodeReboot');
