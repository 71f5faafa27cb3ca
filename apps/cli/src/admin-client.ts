import {
  BusNoRespondersError,
  BusPermissionError,
  BusPort,
  BusRemoteError,
  BusTimeoutError,
  ModuleCommand,
  rpcs,
  subjects,
} from '@keel/bus';

/** Why a module command did not run. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    message: string,
    readonly kind: 'refused' | 'unreachable',
  ) {
    super(message);
  }
}

/** Sends module commands to this node's admin service over the node's bus. */
export class AdminClient {
  constructor(
    private readonly bus: BusPort,
    private readonly installed: () => string[],
  ) {}

  async send(command: ModuleCommand, timeoutMs = 10_000): Promise<string> {
    try {
      // The CLI's own command subject: admin names the caller after it (docs/decisions/0010).
      const r = await this.bus.request(subjects.cmd(command.module, 'cli'), rpcs.moduleCommand, command, {
        timeoutMs,
      });
      return r.detail ?? '';
    } catch (e) {
      if (e instanceof BusRemoteError) throw new CommandFailed(e.remoteMessage, 'refused');
      if (e instanceof BusPermissionError) throw new CommandFailed(e.message, 'refused');
      if (e instanceof BusNoRespondersError) {
        const known = this.installed();
        const hint = known.includes(command.module)
          ? 'the keel admin service is not running on this node'
          : `unknown module ${command.module} (installed: ${known.join(', ') || 'none'})`;
        throw new CommandFailed(hint, known.includes(command.module) ? 'unreachable' : 'refused');
      }
      if (e instanceof BusTimeoutError)
        throw new CommandFailed(
          `no answer from the admin service within ${timeoutMs / 1000}s`,
          'unreachable',
        );
      throw e;
    }
  }
}
