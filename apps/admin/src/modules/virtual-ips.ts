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
import { canonicalAddress, virtualIpProblem, type ModuleConfig } from '@keel/config';
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

  /**
   * The module's VIP addresses, canonical (what its fence withdraws if admin dies). A name, or an
   * address that cannot be a VIP, is left out: the vip service refuses such a module, with the
   * reason.
   */
  get addresses(): string[] {
    return (this.host.config.vip?.interfaces ?? []).flatMap((i) =>
      i.addresses.flatMap((a) => {
        const canonical = canonicalAddress(a.addr);
        return canonical === undefined || virtualIpProblem(a.addr) !== undefined ? [] : [canonical];
      }),
    );
  }

  /** Whether the module has VIPs at all (a module whose VIPs are names has, and is refused). */
  get configured(): boolean {
    return (this.host.config.vip?.interfaces ?? []).some((i) => i.addresses.length > 0);
  }

  /** The VIPs cannot be asked for (no fence to hold them): said, and ip.<addr> goes down. */
  refuse(reason: string): void {
    if (!this.configured) return;
    // Not wanted as placed: a restarted vip service must not be told to set what has no fence.
    this.wanted = 'remove';
    this.host.write('E', `Virtual IPs not set: ${reason}`);
    this.markDown();
  }

  /**
   * Places or withdraws the VIPs, or drains a farm's share; resolves once the vip service
   * answered (never rejects).
   */
  async request(op: VipOp): Promise<void> {
    if (op !== 'drain') this.wanted = op;
    if (!this.configured) return;
    this.asking = true;
    const outcome = await this.ask(op);
    this.asking = false;
    this.report(op, outcome);
  }

  /**
   * At admin's start: a VIP an earlier admin had placed goes (that admin's module runs no more:
   * its fence died with it), e.g. one placed while that admin was dying. Quiet when the vip
   * service is not there yet: it is told again once it says it is ready.
   */
  async reconcile(): Promise<void> {
    if (!this.configured) return;
    const outcome = await this.ask('remove');
    for (const a of outcome.ok ? outcome.addresses : [])
      this.host.write('I', `Virtual IP ${a.addr} removed (left by an earlier run)`);
  }

  /** A (re)started vip service adopted what it found: it is told what the engine wants now. */
  onServiceReady(): void {
    if (this.asking || !this.configured) return;
    void this.request(this.wanted);
  }

  private async ask(op: VipOp): Promise<VipCommandResult> {
    const { host } = this;
    try {
      return await host.bus.request(
        subjects.vipCmd(host.module),
        rpcs.vipCommand,
        { module: host.module, op, addresses: this.addresses },
        { timeoutMs: host.timeoutMs },
      );
    } catch (err) {
      return { ok: false, message: describeFailure(op, err), addresses: [] };
    }
  }

  private report(op: VipOp, outcome: VipCommandResult): void {
    const { host } = this;
    // A drain that could not wait for the others goes on with the stop: it only says so.
    if (op === 'drain') {
      if (!outcome.ok) host.write('E', outcome.message ?? 'Farm share not handed over: no reason given');
      return;
    }
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
    if (op === 'set' && outcome.message?.startsWith('Virtual IPs not set')) this.markDown();
  }

  private markDown(): void {
    for (const i of this.host.config.vip?.interfaces ?? [])
      for (const a of i.addresses)
        if (a.check) this.host.setResource(`ip.${canonicalAddress(a.addr) ?? a.addr}`, 'down', 'admin');
  }
}

function describeFailure(op: VipOp, err: unknown): string {
  const what =
    op === 'drain' ? 'Farm share not handed over' : `Virtual IPs not ${op === 'set' ? 'set' : 'removed'}`;
  if (err instanceof BusNoRespondersError) return `${what}: the vip service of this node is not running`;
  if (err instanceof BusTimeoutError) return `${what}: no answer from the vip service (${err.message})`;
  if (err instanceof BusRemoteError) return `${what}: ${err.remoteMessage}`;
  return `${what}: ${err instanceof Error ? err.message : String(err)}`;
}
