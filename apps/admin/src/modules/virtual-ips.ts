// The virtual IPs of one module as admin sees them: asks the node's vip service to place them
// (the engine's `vip set`, before start_prim) or withdraw them (`vip remove`, after the stop
// scripts), on keel.v1.<module>.vip.cmd, and says in the module log what happened, in SafeKit's
// words where the guide gives them (reference §5.6.1: `Virtual IP <addr> set`). A VIP that cannot
// be placed does not stop the transition: ip.<addr> goes down and the failover rules decide
// (`ip_failure`: stopstart), as with SafeKit's ip checker.
import {
  BusNoRespondersError,
  BusRemoteError,
  BusTimeoutError,
  rpcs,
  subjects,
  type BusPort,
  type VipCommandResult,
  type VipOp,
} from '@keel/bus';
import type { ModuleConfig } from '@keel/config';
import type { LogLevel } from '../ports/module-log.port';

/** The vip service answers once the addresses are placed and announced: a conflict probe, a few netlink calls. */
export const VIP_COMMAND_TIMEOUT_MS = 15_000;

export interface VirtualIpsHost {
  readonly module: string;
  readonly bus: BusPort;
  readonly config: ModuleConfig;
  readonly timeoutMs: number;
  write(level: LogLevel, text: string): void;
  setResource(name: string, value: string, by: string): void;
}

export class VirtualIps {
  /** What the engine last asked for; a restarted vip service is told again. */
  private wanted: VipOp = 'remove';
  private asking = false;

  constructor(private readonly host: VirtualIpsHost) {}

  /** The module's VIP addresses (what its fence withdraws if admin dies). */
  get addresses(): string[] {
    return (this.host.config.vip?.interfaces ?? []).flatMap((i) => i.addresses.map((a) => a.addr));
  }

  /** Places or withdraws the VIPs; resolves once the vip service answered (never rejects). */
  async request(op: VipOp): Promise<void> {
    this.wanted = op;
    if (this.addresses.length === 0) return;
    this.asking = true;
    const outcome = await this.ask(op);
    this.asking = false;
    this.report(op, outcome);
  }

  /** A (re)started vip service adopted what it found: it is told what the engine wants now. */
  onServiceReady(): void {
    if (this.asking || this.addresses.length === 0) return;
    void this.request(this.wanted);
  }

  private async ask(op: VipOp): Promise<VipCommandResult> {
    const { host } = this;
    try {
      return await host.bus.request(
        subjects.vipCmd(host.module),
        rpcs.vipCommand,
        { module: host.module, op },
        { timeoutMs: host.timeoutMs },
      );
    } catch (err) {
      return { ok: false, message: describeFailure(op, err), addresses: [] };
    }
  }

  private report(op: VipOp, outcome: VipCommandResult): void {
    const { host } = this;
    if (outcome.ok) {
      for (const a of outcome.addresses) {
        host.write('I', op === 'set' ? `Virtual IP ${a.addr} set` : `Virtual IP ${a.addr} removed`);
      }
      return;
    }
    host.write(
      'E',
      outcome.message ?? `Virtual IPs not ${op === 'set' ? 'set' : 'removed'}: no reason given`,
    );
    // Without an answer from the service, nobody else says the VIPs are missing.
    if (op === 'set' && outcome.message?.startsWith('Virtual IPs not set')) {
      for (const i of host.config.vip?.interfaces ?? [])
        for (const a of i.addresses) if (a.check) host.setResource(`ip.${a.addr}`, 'down', 'admin');
    }
  }
}

function describeFailure(op: VipOp, err: unknown): string {
  const what = `Virtual IPs not ${op === 'set' ? 'set' : 'removed'}`;
  if (err instanceof BusNoRespondersError) return `${what}: the vip service of this node is not running`;
  if (err instanceof BusTimeoutError) return `${what}: no answer from the vip service (${err.message})`;
  if (err instanceof BusRemoteError) return `${what}: ${err.remoteMessage}`;
  return `${what}: ${err instanceof Error ? err.message : String(err)}`;
}
