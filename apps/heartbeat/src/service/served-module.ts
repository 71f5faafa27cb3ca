// What the heartbeat service keeps for one module it serves and for each of its heartbeat LANs,
// and what this start of the service shares among its parts (incarnation, echoes, lifecycle).
import type { ModuleState, Readiness } from '@keel/bus';
import { Lifecycle, type Logger, type Timer } from '@keel/runtime';
import { noHeard, type HeardIncarnations } from '../core/echo';
import { initialLiveness } from '../core/liveness';
import type { HeartbeatLanPlan, ModulePlan } from '../core/plan';
import type { ReceiverState } from '../core/receive';
import { emptyGuard } from '../core/replay-guard';
import type { UdpSocket } from '../ports/udp.port';
import { encodedSize, type PacketExpectation } from '../wire/codec';
import { MAX_PACKET_BYTES } from '../wire/packet';

export interface ServedLan {
  readonly plan: HeartbeatLanPlan;
  readonly expect: PacketExpectation;
  socket: UdpSocket | undefined;
  pulseTimer: Timer | undefined;
  retryTimer: Timer | undefined;
}

export interface ServedModule {
  readonly plan: ModulePlan;
  readonly log: Logger;
  readonly lans: readonly ServedLan[];
  /** Room for resources in this module's packets (its longest LAN name counted). */
  readonly budget: number;
  receiver: ReceiverState;
  local: { readonly state: ModuleState; readonly readiness: Readiness } | undefined;
  advertised: ReadonlyMap<string, string>;
  readonly resources: Map<string, string>;
  selection: ReadonlyMap<string, string>;
  dropped: string;
  sequence: number;
  deadline: Timer | undefined;
  stallDeferred: boolean;
  /** A send of the new state/resources is scheduled (coalesces a burst of bus messages). */
  urgent: Timer | undefined;
}

/** This start of the service, as its sender, receiver and loss detector all see it. */
export class Session extends Lifecycle {
  incarnation = 0;
  /**
   * Per peer node, the highest incarnation heard in its authentic packets (any module, any LAN,
   * accepted or not): echoed in every packet to it. In memory, like the guard: after a restart
   * the peer's packets are refused as stale until it has heard ours (about one pulse).
   */
  heard: HeardIncarnations = noHeard();
  /** When this start began (clock ms): stale packets are expected for a while after it. */
  startedAt = 0;
}

/** A module as it is served from `now` on: nothing heard, nothing known of the local state. */
export function servedModule(plan: ModulePlan, node: string, log: Logger, now: number): ServedModule {
  const senders = new Set([plan.peer]);
  const longestLan = plan.heartbeats.reduce((a, h) => (h.lan.length > a.length ? h.lan : a), '');
  const overhead = encodedSize({ module: plan.name, sender: node, lan: longestLan, resources: new Map() });
  return {
    plan,
    log,
    lans: plan.heartbeats.map((h) => ({
      plan: h,
      expect: { module: plan.name, lan: h.lan, senders },
      socket: undefined,
      pulseTimer: undefined,
      retryTimer: undefined,
    })),
    budget: MAX_PACKET_BYTES - overhead,
    receiver: {
      guard: emptyGuard(),
      liveness: initialLiveness(
        plan.heartbeats.map((h) => ({ lan: h.lan, ident: h.ident, timeoutMs: h.timeoutMs })),
        now,
      ),
    },
    local: undefined,
    advertised: new Map(),
    resources: new Map(),
    selection: new Map(),
    dropped: '',
    sequence: 0,
    deadline: undefined,
    stallDeferred: false,
    urgent: undefined,
  };
}
