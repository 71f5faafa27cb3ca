import { SourceLocation } from '../errors';

/** Every model object remembers where it came from, so relation checks can point at it. */
export interface Located {
  readonly loc: SourceLocation;
}

export type ModuleMode = 'mirror' | 'farm' | 'light';
export type BootSetting = 'on' | 'off' | 'auto' | 'ignore';

export interface ServiceSettings extends Located {
  readonly mode: ModuleMode;
  readonly boot: BootSetting;
  /** Seconds. */
  readonly bootDelay: number;
  /** Mirror only; true for farm and light modules, where it has no meaning. */
  readonly failover: boolean;
  /** Mirror only: `alone`, `lastprim` or a node name. */
  readonly defaultprim: string;
  readonly maxloop: number;
  /** Hours; 0 disables the maxloop counter. */
  readonly loopInterval: number;
  readonly automaticReboot: boolean;
}

export interface Heartbeat extends Located {
  /** Cluster LAN name (undefined only in legacy 7.1 syntax). */
  readonly name: string | undefined;
  /** Label of resource `heartbeat.<ident>`; defaults to name. `flow` also carries replication. */
  readonly ident: string;
  /** Milliseconds, inherited from <heart> when not set. */
  readonly pulse: number;
  readonly timeout: number;
  /** Legacy 7.1 peer addresses. */
  readonly legacyServers: readonly string[];
}

export interface Heart extends Located {
  /** UDP port; undefined = derived from the module id (8888 + id - 1). */
  readonly port: number | undefined;
  /** keel extension: default timings (`safekit` 700 ms / 30 s, `lan` 100 ms / 1 s, `wan` 500 ms / 5 s). */
  readonly profile: 'safekit' | 'lan' | 'wan';
  readonly pulse: number;
  readonly timeout: number;
  readonly permanentArp: boolean;
  readonly heartbeats: readonly Heartbeat[];
}

export interface FarmLan extends Located {
  readonly name: string | undefined;
  readonly legacyNodes: readonly { readonly name: string; readonly addr: string }[];
}

export interface FarmMembership extends Located {
  /** UDP port; undefined = derived from the module id (4803 + (id - 1) * 3). */
  readonly port: number | undefined;
  /** Milliseconds. */
  readonly pulse: number;
  readonly mlostCount: number;
  readonly slostCount: number;
  readonly lans: readonly FarmLan[];
}

export interface VirtualAddr extends Located {
  readonly addr: string;
  readonly where: 'alias' | 'one_side_alias';
  readonly check: boolean;
  readonly connections: boolean;
  readonly netmask: string | undefined;
}

export interface VirtualInterface extends Located {
  readonly type: 'vmac_directed' | 'vmac_invisible';
  /** Lower-case colon form; undefined = `5a:fe:` + the first VIP in hex. */
  readonly mac: string | undefined;
}

export interface VipInterface extends Located {
  readonly check: boolean;
  readonly arpreroute: boolean;
  /** Seconds. */
  readonly arpinterval: number;
  readonly arpelapse: number;
  readonly name: string | undefined;
  /** Set in a farm module only. */
  readonly virtualInterface: VirtualInterface | undefined;
  readonly addresses: readonly VirtualAddr[];
}

export interface LbHost extends Located {
  readonly name: string;
  readonly power: number;
}

export interface LbRule extends Located {
  readonly virtualAddr: string | '*';
  readonly port: number | '*';
  readonly proto: 'tcp' | 'udp' | 'arp';
  readonly filter: 'on_addr' | 'on_port' | 'on_ipid';
}

export interface LbGroup extends Located {
  readonly name: string;
  /** Undefined = every farm node, power 1. */
  readonly hosts: readonly LbHost[] | undefined;
  readonly rules: readonly LbRule[];
}

export interface Vip extends Located {
  readonly tcpreset: boolean;
  readonly scriptcontrol: boolean;
  readonly interfaces: readonly VipInterface[];
  readonly groups: readonly LbGroup[];
}

export interface Replicated extends Located {
  readonly dir: string;
  readonly readOnly: boolean;
  readonly tocheck: readonly string[];
  readonly notreplicated: readonly (Located & {
    readonly path: string | undefined;
    readonly regexpath: string | undefined;
  })[];
}

export interface Rfs extends Located {
  readonly acl: boolean;
  readonly async: 'second' | 'none';
  /** Seconds unless said otherwise. */
  readonly iotimeout: number;
  readonly roflags: '0x10' | '0x10000';
  readonly locktimeout: number;
  readonly sendtimeout: number;
  readonly nbrei: number;
  /** Bytes. */
  readonly reipacketsize: number;
  readonly ruzoneBlocksize: number;
  readonly packetsize: number | undefined;
  readonly namespacepolicy: 0 | 1 | 3 | 4;
  readonly reitimeout: number;
  readonly reicommit: number;
  readonly reidetail: boolean;
  readonly allocthreshold: number;
  readonly nbremconn: number;
  /** Milliseconds. */
  readonly checktime: number;
  readonly checkintv: number;
  readonly nfsboxOptions: 'cross' | 'nocross';
  readonly scripts: boolean;
  /** KB/s; undefined = unlimited. */
  readonly reiallowedbw: number | undefined;
  /** Minutes. */
  readonly syncdelta: number;
  readonly syncat: string | undefined;
  readonly mountoversuffix: string;
  /** Legacy `<flow name>`: the replication LAN. */
  readonly flow: { readonly name: string | undefined; readonly legacyServers: readonly string[] } | undefined;
  readonly replicated: readonly Replicated[];
}

export interface UserScripts extends Located {
  /** Seconds. */
  readonly nicestoptimeout: number;
  readonly forcestoptimeout: number;
  readonly logging: 'userlog' | 'none';
  /** KB. */
  readonly userlogsize: number;
  readonly vars: readonly (Located & { readonly name: string; readonly value: string })[];
}

export interface VirtualHost extends Located {
  readonly name: string;
  readonly envfile: string;
  readonly when: 'prim' | 'second' | 'both';
}

export type ProcClass = 'prim' | 'both' | 'pre' | 'second' | 'sec' | (string & {});

export interface ProcMonitor extends Located {
  readonly name: string;
  readonly service: boolean;
  readonly nameregex: string | undefined;
  readonly argregex: string | undefined;
  readonly atleast: number;
  readonly atmax: number;
  /** restart | stopstart | stop | noaction, or a handler executable. */
  readonly action: string;
  readonly restartServices: string | undefined;
  readonly class: ProcClass;
  readonly startAfter: number;
}

export interface Errd extends Located {
  /** Seconds. */
  readonly polltimer: number;
  readonly procs: readonly ProcMonitor[];
}

export type CheckerWhen = 'pre' | 'prim' | 'second' | 'both';
export type RuleAction = 'stop' | 'stopstart' | 'wait' | 'restart' | 'swap';
export type CheckerAction = Exclude<RuleAction, 'swap'> | 'noaction';

/** A probe target; times in seconds. */
export interface CheckTarget {
  readonly addr: string;
  readonly port?: number;
  readonly interval: number;
  readonly timeout: number;
}

export interface TcpChecker extends Located {
  readonly kind: 'tcp';
  readonly ident: string;
  readonly when: CheckerWhen;
  readonly action: CheckerAction;
  readonly to: CheckTarget & { readonly port: number };
}

export interface PingChecker extends Located {
  readonly kind: 'ping';
  readonly ident: string;
  readonly when: CheckerWhen;
  readonly action: CheckerAction;
  readonly to: CheckTarget;
}

export interface IntfChecker extends Located {
  readonly kind: 'intf';
  readonly ident: string;
  readonly when: 'pre';
  readonly localAddr: string;
  /** True when generated from `<interface check="on">`. */
  readonly generated: boolean;
}

export interface IpChecker extends Located {
  readonly kind: 'ip';
  readonly ident: string;
  readonly when: 'prim' | 'both';
  readonly addr: string;
  /** Seconds. */
  readonly interval: number;
  readonly generated: boolean;
}

export interface CustomChecker extends Located {
  readonly kind: 'custom';
  readonly ident: string;
  readonly when: CheckerWhen;
  readonly exec: string;
  readonly arg: string | undefined;
  readonly action: CheckerAction;
}

export interface ModuleChecker extends Located {
  readonly kind: 'module';
  /** Resource `module.<ident>`; defaults to `<name>_<addr>`. */
  readonly ident: string;
  readonly name: string;
  readonly to: {
    readonly addr: string;
    readonly port: number;
    readonly interval: number;
    readonly timeout: number;
    readonly secure: boolean;
  };
}

export interface SplitbrainChecker extends Located {
  readonly kind: 'splitbrain';
  readonly ident: string;
  readonly witnesses: readonly string[];
}

/**
 * keel beyond SafeKit (docs/decisions/0019): the module is primary only while this node holds its
 * lease in the cluster's arbiter (cluster.xml `<arbiter>`). Resource `arbiter.<ident>`.
 */
export interface ArbiterUse extends Located {
  readonly kind: 'arbiter';
  readonly ident: string;
  /** The lease's time to live, milliseconds. */
  readonly ttl: number;
  /** Time to kill the application and withdraw the VIP once writes stopped, milliseconds. */
  readonly fence: number;
}

export interface Checkers {
  readonly tcp: readonly TcpChecker[];
  readonly ping: readonly PingChecker[];
  readonly intf: readonly IntfChecker[];
  readonly ip: readonly IpChecker[];
  readonly custom: readonly CustomChecker[];
  readonly module: readonly ModuleChecker[];
  readonly splitbrain: SplitbrainChecker | undefined;
  readonly arbiter?: ArbiterUse;
}

export interface RuleSection {
  readonly language: 'legacy' | 'lua';
  readonly source: string;
  /** Where the section's text starts in the file, to place rule syntax errors. */
  readonly line: number;
  readonly column: number;
}

export interface FailoverSettings extends Located {
  readonly extends: boolean;
  /** Milliseconds. */
  readonly period: number;
  readonly handleTime: number;
  readonly sections: readonly RuleSection[];
}

/** A mirror, farm or light module as its userconfig.xml describes it, defaults applied and macros expanded. */
export interface ModuleConfig {
  readonly file: string;
  readonly macros: Readonly<Record<string, string>>;
  readonly service: ServiceSettings;
  readonly mode: ModuleMode;
  readonly heart: Heart | undefined;
  readonly farm: FarmMembership | undefined;
  readonly vip: Vip | undefined;
  readonly rfs: Rfs | undefined;
  readonly user: UserScripts | undefined;
  readonly vhost: VirtualHost | undefined;
  readonly errd: Errd | undefined;
  readonly check: Checkers;
  readonly failover: FailoverSettings;
  /** True when the file uses the pre-7.2 syntax (`<server addr>`, `<lan><node>`). */
  readonly legacySyntax: boolean;
}

/** Every checker of a module, in document order by kind (splitbrain last). */
export function allCheckers(
  c: Checkers,
): readonly (Located & { readonly kind: string; readonly ident: string })[] {
  return [
    ...c.tcp,
    ...c.ping,
    ...c.intf,
    ...c.ip,
    ...c.custom,
    ...c.module,
    ...(c.splitbrain ? [c.splitbrain] : []),
  ];
}
