// What this node's checkers service watches (pure): for every module of this node, its checkers
// (reference §5.11-5.18) and its errd processes (§5.10), each with the resource it sets, the name
// it sets it under, the window it runs in and its timing. The ip and intf checkers SafeKit
// generates from `<vip>` are the vip service's, which places the addresses (docs/decisions/0016);
// those written in `<check>` are this service's.
import {
  moduleExecutable,
  moduleNodes,
  type CheckerWhen,
  type ClusterConfig,
  type PlannedModule,
  type UserScripts,
} from '@keel/config';
import { isIPv6 } from 'node:net';
import { planErrd, type ErrdPlan } from './errd-plan';

/** The name a checker sets its resource under, as the module log shows it (reference §2.4). */
export const COMPONENTS = {
  tcp: 'tcpcheck',
  ping: 'pingcheck',
  intf: 'intfcheck',
  ip: 'ipcheck',
  module: 'modulecheck',
  splitbrain: 'splitbraincheck',
  /** keel's, when a custom checker cannot run: the program itself names its own sets (`-i`). */
  custom: 'customcheck',
  errd: 'errd',
} as const;

/** A probe keel runs itself, every interval while its window is open. */
export type ProbeTarget =
  | { readonly kind: 'tcp'; readonly addr: string; readonly port: number }
  | { readonly kind: 'ping'; readonly addr: string }
  /** The link of the interface holding `localAddr` has its carrier. */
  | { readonly kind: 'intf'; readonly localAddr: string }
  /** `addr` is configured on this node. */
  | { readonly kind: 'ip'; readonly addr: string }
  /** A module's health probe on a node's web service answers 200 (safekit-ops §16). */
  | { readonly kind: 'ready'; readonly url: string };

export interface ProbeCheck {
  readonly resource: string;
  readonly component: string;
  readonly when: CheckerWhen;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly target: ProbeTarget;
}

/** A long-running program that sets its own resource through the CLI (reference §5.16). */
export interface CustomCheck {
  readonly resource: string;
  readonly when: CheckerWhen;
  readonly file: string;
  /** Module name, resource name, then the words of `arg`. */
  readonly args: readonly string[];
}

/** Another module whose readiness this one follows (reference §5.17). */
export interface ModuleWatch {
  readonly resource: string;
  readonly module: string;
  /** Where it runs: this node (its state comes on the bus) or another node's web service. */
  readonly addr: string;
  readonly port: number;
  readonly secure: boolean;
  readonly local: boolean;
  /** Its health probe on the node's web service (for a module of another node). */
  readonly url: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** Witnesses deciding which node may be primary once every heartbeat is lost (reference §5.18). */
export interface SplitbrainCheck {
  readonly resource: string;
  readonly witnesses: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export interface ModuleCheckPlan {
  readonly name: string;
  readonly mode: 'mirror' | 'farm' | 'light';
  readonly probes: readonly ProbeCheck[];
  readonly customs: readonly CustomCheck[];
  readonly watches: readonly ModuleWatch[];
  readonly splitbrain: SplitbrainCheck | undefined;
  /** Its `<proc>`s, their selectors compiled once here. */
  readonly errd: ErrdPlan | undefined;
  /** The module's bin directory (SAFEUSERBIN): errd handlers' relative names are its. */
  readonly bin: string;
  /** Its `<user>`: the `<var>`s its programs are given, as its scripts are. */
  readonly user: UserScripts | undefined;
}

export interface CheckersPlan {
  readonly node: string;
  readonly modules: readonly ModuleCheckPlan[];
}

/** SafeKit fixes neither for the witnesses: keel probes them like a ping checker, a bit sooner. */
export const SPLITBRAIN_TIMING = { intervalMs: 5_000, timeoutMs: 2_000 } as const;

const LOCAL_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The plan of every module of this node that has something to watch. `bin(module)` is the
 * module's bin directory; `localAddrs` this node's addresses (a module checker aimed at one of
 * them watches a module of this node).
 */
export function buildCheckersPlan(input: {
  readonly node: string;
  readonly cluster: ClusterConfig;
  readonly modules: readonly PlannedModule[];
  readonly bin: (module: string) => string;
  readonly localAddrs: readonly string[];
}): CheckersPlan {
  const modules: ModuleCheckPlan[] = [];
  for (const m of input.modules) {
    if (!moduleNodes(m.config, input.cluster).includes(input.node)) continue;
    const c = m.config.check;
    const bin = input.bin(m.name);
    const ms = (s: number) => Math.round(s * 1000);
    const probes: ProbeCheck[] = [
      ...c.tcp.map((t) => ({
        resource: `tcp.${t.ident}`,
        component: COMPONENTS.tcp,
        when: t.when,
        intervalMs: ms(t.to.interval),
        timeoutMs: ms(t.to.timeout),
        target: { kind: 'tcp' as const, addr: t.to.addr, port: t.to.port },
      })),
      ...c.ping.map((p) => ({
        resource: `ping.${p.ident}`,
        component: COMPONENTS.ping,
        when: p.when,
        intervalMs: ms(p.to.interval),
        timeoutMs: ms(p.to.timeout),
        target: { kind: 'ping' as const, addr: p.to.addr },
      })),
      ...c.intf.map((i) => ({
        resource: `intf.${i.ident}`,
        component: COMPONENTS.intf,
        when: i.when,
        // SafeKit gives the interface checker no timing; a carrier read is cheap.
        intervalMs: 1_000,
        timeoutMs: 1_000,
        target: { kind: 'intf' as const, localAddr: i.localAddr },
      })),
      ...c.ip.map((i) => ({
        resource: `ip.${i.ident}`,
        component: COMPONENTS.ip,
        when: i.when,
        intervalMs: ms(i.interval),
        timeoutMs: 1_000,
        target: { kind: 'ip' as const, addr: i.addr },
      })),
    ];
    const customs = c.custom.map((x) => ({
      resource: `custom.${x.ident}`,
      when: x.when,
      file: moduleExecutable(x.exec, bin),
      args: [m.name, `custom.${x.ident}`, ...(x.arg?.trim().split(/\s+/) ?? [])],
    }));
    const watches = c.module.map((w) => ({
      resource: `module.${w.ident}`,
      module: w.name,
      addr: w.to.addr,
      port: w.to.port,
      secure: w.to.secure,
      local: LOCAL_HOSTS.has(w.to.addr) || input.localAddrs.includes(w.to.addr),
      url: `${w.to.secure ? 'https' : 'http'}://${isIPv6(w.to.addr) ? `[${w.to.addr}]` : w.to.addr}:${w.to.port}/var/modules/${w.name}/ready.txt`,
      intervalMs: ms(w.to.interval),
      timeoutMs: ms(w.to.timeout),
    }));
    const splitbrain = c.splitbrain
      ? {
          resource: `splitbrain.${c.splitbrain.ident}`,
          witnesses: c.splitbrain.witnesses,
          ...SPLITBRAIN_TIMING,
        }
      : undefined;
    const errd = m.config.errd && m.config.errd.procs.length > 0 ? planErrd(m.config.errd, bin) : undefined;
    if (probes.length + customs.length + watches.length === 0 && !splitbrain && !errd) continue;
    modules.push({
      name: m.name,
      mode: m.config.mode,
      probes,
      customs,
      watches,
      splitbrain,
      errd,
      bin,
      user: m.config.user,
    });
  }
  return { node: input.node, modules };
}
