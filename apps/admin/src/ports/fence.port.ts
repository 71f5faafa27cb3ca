/**
 * The namespace a module's application runs in (docs/decisions/0013-application-fence.md): the
 * module's scripts run inside it, and everything they start ends with it, and with admin.
 */
export interface Fence {
  /** The namespace's first process, as this node numbers it: scripts enter its namespaces. */
  readonly pid: number;
  /** Ends the namespace and every process in it; resolves once they are gone. */
  close(): Promise<void>;
}

export interface FenceRequest {
  readonly module: string;
  /** The module's replicated directories: the namespace must follow the mounts made on them. */
  readonly dirs: readonly string[];
  /**
   * The module's virtual IPs: when the fence ends (admin's death included) it withdraws each one
   * that carries keel's marker, right after killing the application (docs/decisions/0016).
   */
  readonly vips: readonly string[];
  /** The fence ended without being asked to (killed): every process in it is gone. */
  readonly onLost: (reason: string) => void;
}

/** Opens fences as real processes; the in-memory twin in tests hands out numbers. */
export interface FencePort {
  /** Rejects with the reason when no fence can be made. */
  open(request: FenceRequest): Promise<Fence>;
}

export const FENCE = Symbol.for('keel.admin.fence');
