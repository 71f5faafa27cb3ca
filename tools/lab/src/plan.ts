// The lab's naming and address plan: pure functions from a LabSpec to every name, path and
// address the lab will use. Nothing here touches the system.
import { posix as path } from 'node:path';

/** Every lab network namespace name starts with this; `kl-<lab>-` is one lab's prefix. */
export const NETNS_PREFIX = 'kl-';
/** Default root of the lab state directories (override: $KEEL_LAB_RUN_DIR). */
export const DEFAULT_RUN_ROOT = '/run/keel-lab';
/** Paths that are always private per host (bind-mounted in the host's mount namespace). */
export const DEFAULT_PRIVATE_DIRS: readonly string[] = ['/etc/keel', '/var/lib/keel'];
/** Name of the switch namespace's suffix; reserved as a host name. */
export const SWITCH_SUFFIX = 'sw';

export const LIMITS = { lans: 16, nodes: 99, clients: 99 } as const;

const LAB_NAME = /^[a-z][a-z0-9]{0,15}$/;
const HOST_NAME = /^[a-z][a-z0-9]{0,11}$/;
const LAN_NAME = /^[a-z][a-z0-9_]{0,11}$/;

export interface LabSpec {
  /** Lab name: a lowercase letter then up to 15 lowercase letters or digits (no '-'). */
  readonly name: string;
  /** Cluster nodes, e.g. ['node1', 'node2']; node k (1-based) gets address .k on every LAN. */
  readonly nodes: readonly string[];
  /** LANs, e.g. ['default', 'private']; LAN i (0-based) is 198.18.i.0/24. Default ['default']. */
  readonly lans?: readonly string[];
  /** Client hosts; client j (1-based) gets address .(100+j). */
  readonly clients?: readonly string[];
  /** LANs the clients are attached to; default: every LAN. */
  readonly clientLans?: readonly string[];
  /** Extra absolute paths made private per host, e.g. ['/var/lib/mirror-demo']. */
  readonly privateDirs?: readonly string[];
  /** Root of the state directories; default $KEEL_LAB_RUN_DIR or /run/keel-lab. */
  readonly runRoot?: string;
  /**
   * IPv6 on the hosts too (off by default): LAN i is also 2001:2:0:i::/64, from 2001:2::/48
   * (RFC 5180, reserved for benchmarking, the IPv6 counterpart of 198.18.0.0/15), and a host gets
   * ::<octet in hex> on it.
   */
  readonly ipv6?: boolean;
}

export interface LanPlan {
  readonly name: string;
  readonly index: number;
  /** e.g. 198.18.1.0/24 */
  readonly subnet: string;
  /** Bridge name inside the switch namespace: br-<lan>. */
  readonly bridge: string;
}

export interface InterfacePlan {
  readonly lan: string;
  /** Interface name inside the host: eth<lan index>. */
  readonly ifname: string;
  /** e.g. 198.18.0.1 */
  readonly address: string;
  readonly prefixLength: 24;
  /** With LabSpec.ipv6: e.g. 2001:2:0:0::1 (prefix length 64). */
  readonly address6?: string;
  /** The veth peer inside the switch namespace, enslaved to the LAN's bridge: <host>-<lan index>. */
  readonly switchPort: string;
}

export interface PrivateDirPlan {
  /** The absolute path seen inside the host, e.g. /var/lib/keel. */
  readonly path: string;
  /** Its backing directory under the lab state directory. */
  readonly source: string;
}

export interface HostPlan {
  readonly name: string;
  readonly kind: 'node' | 'client';
  /** 1-based index among nodes or among clients. */
  readonly index: number;
  /** Last octet of its addresses. */
  readonly octet: number;
  readonly netns: string;
  /** Directory holding this host's private directories. */
  readonly dir: string;
  /** Persistent mount namespace file (an nsfs bind mount). */
  readonly mntFile: string;
  /** Persistent UTS namespace file (its hostname is the host name). */
  readonly utsFile: string;
  readonly interfaces: readonly InterfacePlan[];
  readonly privateDirs: readonly PrivateDirPlan[];
}

export interface LabPlan {
  readonly name: string;
  readonly runRoot: string;
  /** /run/keel-lab/<name>: bind-mounted on itself with private propagation. */
  readonly runDir: string;
  /** <runDir>/lab.json */
  readonly stateFile: string;
  readonly prefix: string;
  readonly switchNetns: string;
  readonly lans: readonly LanPlan[];
  readonly hosts: readonly HostPlan[];
  /** LabSpec.ipv6. */
  readonly ipv6?: boolean;
}

export class LabSpecError extends Error {
  override readonly name = 'LabSpecError';
}

export function runRootFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env['KEEL_LAB_RUN_DIR'] || DEFAULT_RUN_ROOT;
}

export function labPrefix(name: string): string {
  return `${NETNS_PREFIX}${name}-`;
}

export function validateLabName(name: string): void {
  if (!LAB_NAME.test(name)) {
    throw new LabSpecError(
      `invalid lab name '${name}': a lowercase letter then up to 15 lowercase letters or digits`,
    );
  }
}

/** Subnet base of LAN i: 198.18.i.0 (i < 256 by LIMITS). */
export function lanBase(index: number): string {
  return `198.18.${index}`;
}

/** Address of a host on a LAN: 198.18.<lan>.<octet>. */
export function address(lanIndex: number, octet: number): string {
  return `${lanBase(lanIndex)}.${octet}`;
}

/** IPv6 address of a host on a LAN (LabSpec.ipv6): 2001:2:0:<lan>::<octet>, in hex. */
export function address6(lanIndex: number, octet: number): string {
  return `2001:2:0:${lanIndex.toString(16)}::${octet.toString(16)}`;
}

export function planLab(spec: LabSpec): LabPlan {
  validateLabName(spec.name);
  const lans = spec.lans ?? ['default'];
  const clients = spec.clients ?? [];
  const clientLans = spec.clientLans ?? lans;
  if (spec.nodes.length === 0) throw new LabSpecError('a lab needs at least one node');
  if (lans.length === 0) throw new LabSpecError('a lab needs at least one LAN');
  if (lans.length > LIMITS.lans) throw new LabSpecError(`at most ${LIMITS.lans} LANs`);
  if (spec.nodes.length > LIMITS.nodes) throw new LabSpecError(`at most ${LIMITS.nodes} nodes`);
  if (clients.length > LIMITS.clients) throw new LabSpecError(`at most ${LIMITS.clients} clients`);
  for (const lan of lans) {
    if (!LAN_NAME.test(lan)) {
      throw new LabSpecError(
        `invalid LAN name '${lan}': a lowercase letter then up to 11 lowercase letters, digits or '_'`,
      );
    }
  }
  unique('LAN', lans);
  const hostNames = [...spec.nodes, ...clients];
  for (const host of hostNames) {
    if (!HOST_NAME.test(host) || host === SWITCH_SUFFIX) {
      throw new LabSpecError(
        `invalid host name '${host}': a lowercase letter then up to 11 lowercase letters or digits, not '${SWITCH_SUFFIX}'`,
      );
    }
  }
  unique('host', hostNames);
  for (const lan of clientLans) {
    if (!lans.includes(lan)) throw new LabSpecError(`clientLans: unknown LAN '${lan}'`);
  }
  const privatePaths = [...DEFAULT_PRIVATE_DIRS];
  for (const dir of spec.privateDirs ?? []) {
    const normal = path.normalize(dir).replace(/\/+$/, '');
    if (!path.isAbsolute(dir) || normal === '' || normal === '/' || /[\s\\]/.test(dir)) {
      throw new LabSpecError(`invalid private directory '${dir}': an absolute path without spaces, not /`);
    }
    if (['/proc', '/sys', '/dev', '/run'].some((p) => normal === p || normal.startsWith(`${p}/`))) {
      throw new LabSpecError(`invalid private directory '${dir}': not under /proc, /sys, /dev or /run`);
    }
    if (!privatePaths.includes(normal)) privatePaths.push(normal);
  }

  const runRoot = spec.runRoot ?? runRootFromEnv();
  const runDir = path.join(runRoot, spec.name);
  const prefix = labPrefix(spec.name);
  const lanPlans: LanPlan[] = lans.map((name, index) => ({
    name,
    index,
    subnet: `${lanBase(index)}.0/24`,
    bridge: `br-${name}`,
  }));
  const host = (name: string, kind: 'node' | 'client', index: number): HostPlan => {
    const octet = kind === 'node' ? index : 100 + index;
    const attached = kind === 'node' ? lanPlans : lanPlans.filter((l) => clientLans.includes(l.name));
    const dir = path.join(runDir, 'hosts', name);
    return {
      name,
      kind,
      index,
      octet,
      netns: `${prefix}${name}`,
      dir,
      mntFile: path.join(runDir, 'ns', `${name}.mnt`),
      utsFile: path.join(runDir, 'ns', `${name}.uts`),
      interfaces: attached.map((lan) => ({
        lan: lan.name,
        ifname: `eth${lan.index}`,
        address: address(lan.index, octet),
        prefixLength: 24,
        ...(spec.ipv6 ? { address6: address6(lan.index, octet) } : {}),
        switchPort: `${name}-${lan.index}`,
      })),
      privateDirs: privatePaths.map((p) => ({ path: p, source: path.join(dir, 'fs', p.slice(1)) })),
    };
  };
  return {
    name: spec.name,
    runRoot,
    runDir,
    stateFile: path.join(runDir, 'lab.json'),
    prefix,
    switchNetns: `${prefix}${SWITCH_SUFFIX}`,
    lans: lanPlans,
    hosts: [
      ...spec.nodes.map((n, i) => host(n, 'node', i + 1)),
      ...clients.map((c, i) => host(c, 'client', i + 1)),
    ],
    ...(spec.ipv6 ? { ipv6: true } : {}),
  };
}

function unique(what: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new LabSpecError(`duplicate ${what} name '${n}'`);
    seen.add(n);
  }
}
