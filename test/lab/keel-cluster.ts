// A keel cluster in a lab: each node runs its own nats-server, keel-heartbeat, keel-rfs, keel-vip,
// keel-checkers, keel-api and keel-admin (compiled, from dist/), with one sample module installed — by default the
// two-node mirror sample; the farm scenarios install the farm sample on three nodes. Always
// destroyed in afterAll.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../tools/lab/src';
import { cleanupCrashedRuns, labName } from './lab-names';

export const ROOT = join(__dirname, '../..');
export const MODULE = 'mirror-demo';
/** The sample module's replicated directory (private to each node, like /var/lib/keel). */
export const DATA_DIR = '/var/lib/mirror-demo';
export const NODES = ['node1', 'node2'] as const;
/** A lab node's name (node1, node2, ... in the order the cluster was made with). */
export type Node = string;

const KEEL = join(ROOT, 'apps/cli/bin/keel');
/** Where `keel bus init` writes the node's nats-server configuration (its KEEL_ETC is /etc/keel). */
const BUS_CONFIG = '/etc/keel/bus/nats-server.conf';
/** The keel services of a node, in start order (admin last: it asks the others at once). */
export const KEEL_SERVICES = ['heartbeat', 'rfs', 'vip', 'checkers', 'api', 'admin'] as const;
/** Every process of a node's keel, for a kill of the whole of it (`lab.kill` pattern). */
export const KEEL_PROCESSES =
  'keel-admin|keel-heartbeat|keel-rfs|keel-vip|keel-checkers|keel-api|keel-rfsd|nats-server';
const SAMPLES = join(ROOT, 'deploy/samples');
/** A lab node's reboot: keel must never reboot the machine the lab runs on. */
export const LAB_REBOOT = join(ROOT, 'tools/lab/bin/lab-node-reboot');

/**
 * A mirror module without replication whose rule `app_failure` stopstarts it when the custom
 * resource `custom.app` goes down (after handle_time); `serviceAttrs` go on its <service>.
 */
export const appFailureModule = (serviceAttrs = ''): string => `<safe><service mode="mirror"${serviceAttrs}>
  <heart pulse="100ms" timeout="1s"><heartbeat name="default"/><heartbeat name="private"/></heart>
  <user/>
  <failover period="200ms" handle_time="600ms"><![CDATA[
    app_failure: if (custom.app == down) then stopstart();
  ]]></failover>
</service></safe>`;

export interface KeelClusterOptions {
  /** The sample module installed (a directory of deploy/samples); default mirror-demo. */
  readonly sample?: string;
  /** The lab's nodes; default node1 and node2. */
  readonly nodes?: readonly string[];
  /** Replaces deploy/samples/cluster.xml. */
  readonly clusterXml?: string;
  /** Replaces the sample's userconfig.xml. */
  readonly userconfig?: string;
  /** Client hosts on every LAN (client j has address .(100+j)). */
  readonly clients?: readonly string[];
  /** The lab's LANs; default default and private (cluster.xml's). */
  readonly lans?: readonly string[];
  /** The LANs the clients are on; default every LAN. */
  readonly clientLans?: readonly string[];
  /** IPv6 addresses on the LANs too (LabSpec.ipv6). */
  readonly ipv6?: boolean;
  /** More modules installed on every node beside the sample, with the sample's scripts. */
  readonly extraModules?: readonly { readonly name: string; readonly userconfig: string }[];
}

/** The sample's userconfig.xml, with other macro values (e.g. VIRTUAL_IP). */
export function sampleUserconfig(macros: Readonly<Record<string, string>> = {}, sample = MODULE): string {
  let xml = readFileSync(join(SAMPLES, sample, 'conf/userconfig.xml'), 'utf8');
  for (const [name, value] of Object.entries(macros)) {
    xml = xml.replace(new RegExp(`(<macro name="${name}" value=")[^"]*(")`), `$1${value}$2`);
  }
  return xml;
}

/** Where a node's keel service logs: in the lab's own directory, gone with the lab. */
export const serviceLog = (lab: Lab, node: Node, service: string): string =>
  join(lab.plan.runDir, `${node}-${service}.log`);

export class KeelCluster {
  /** The sample module's name. */
  readonly module: string;

  private constructor(
    readonly lab: Lab,
    private readonly key: string,
    readonly nodes: readonly string[],
    private readonly options: KeelClusterOptions,
  ) {
    this.module = options.sample ?? MODULE;
  }

  static async create(scenario: string, options: KeelClusterOptions = {}): Promise<KeelCluster> {
    await cleanupCrashedRuns();
    const nodes = options.nodes ?? NODES;
    const lab = await Lab.create({
      name: labName(scenario),
      nodes: [...nodes],
      lans: [...(options.lans ?? ['default', 'private'])],
      clients: options.clients ?? [],
      ...(options.clientLans ? { clientLans: [...options.clientLans] } : {}),
      privateDirs: [DATA_DIR],
      ipv6: options.ipv6 ?? false,
    });
    const cluster = new KeelCluster(lab, randomBytes(32).toString('hex'), nodes, options);
    try {
      for (const node of nodes) await cluster.install(node);
      for (const node of nodes) await cluster.startServices(node);
      for (const node of nodes) await cluster.waitAdmin(node);
    } catch (e) {
      await lab.destroy();
      throw e;
    }
    return cluster;
  }

  private async sh(node: Node, script: string, input?: string): Promise<string> {
    const r = await this.lab.exec(node, ['sh', '-c', script], { input, timeoutMs: 20_000 });
    if (r.code !== 0) throw new Error(`${node}: ${script} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  private async install(node: Node): Promise<void> {
    const mod = `/etc/keel/modules/${this.module}`;
    const { userconfig, clusterXml } = this.options;
    await this.sh(
      node,
      `mkdir -p /var/lib/keel/cluster ${mod}/conf && cp -r ${SAMPLES}/${this.module}/bin ${mod}/`,
    );
    await this.sh(
      node,
      'cat > /var/lib/keel/cluster/cluster.xml',
      clusterXml ?? readFileSync(join(SAMPLES, 'cluster.xml'), 'utf8'),
    );
    await this.sh(node, `cat > ${mod}/conf/userconfig.xml`, userconfig ?? sampleUserconfig({}, this.module));
    for (const extra of this.options.extraModules ?? []) {
      const dir = `/etc/keel/modules/${extra.name}`;
      await this.sh(node, `mkdir -p ${dir}/conf && cp -r ${SAMPLES}/${this.module}/bin ${dir}/`);
      await this.sh(node, `cat > ${dir}/conf/userconfig.xml`, extra.userconfig);
    }
    await this.sh(node, 'umask 077 && cat > /var/lib/keel/cluster/cluster.key', this.key);
    // The node's bus configuration and one credential per keel service, root's only.
    await this.sh(node, `${KEEL} bus init >/dev/null`);
  }

  /**
   * nats-server with keel's configuration (authentication and role permissions on), then
   * heartbeat, rfs, vip and admin, each logging to a file of the lab's (serviceLog).
   */
  async startServices(node: Node): Promise<void> {
    await this.lab.startNats(node, { config: BUS_CONFIG });
    for (const service of KEEL_SERVICES) await this.startService(node, service);
  }

  /** One keel service of the node (its nats-server running), logging to serviceLog. */
  async startService(node: Node, service: (typeof KEEL_SERVICES)[number]): Promise<void> {
    // No KEEL_NODE: each service names its node by the node's hostname (issue 9, one rule).
    const env = {
      KEEL_REBOOT_COMMAND: LAB_REBOOT,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    };
    await this.lab.spawn(node, [join(ROOT, `apps/${service}/bin/keel-${service}`)], {
      env,
      logFile: serviceLog(this.lab, node, service),
    });
  }

  /** Waits (bounded) until the node's admin service answers. */
  async waitAdmin(node: Node, seconds = 30): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    let last = await this.keel(node, 'state');
    while (last.code !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      last = await this.keel(node, 'state');
    }
    if (last.code !== 0) {
      const logs = KEEL_SERVICES.map((s) => {
        const file = serviceLog(this.lab, node, s);
        const tail = existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '';
        return `--- ${s}\n${tail}`;
      }).join('\n');
      throw new Error(`${node}: admin did not answer in ${seconds}s: ${last.err}\n${logs}`);
    }
  }

  /** Runs `keel <args>` on a node; `-m` is added. */
  async keel(node: Node, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const r = await this.lab.exec(node, [KEEL, ...args, '-m', this.module], { timeoutMs: 60_000 });
    return { code: r.code ?? -1, out: r.stdout.trim(), err: r.stderr.trim() };
  }

  /** Waits until the node is in `state` (Ready, or STOP); fails the test otherwise. */
  async waitState(node: Node, state: string, seconds = 20): Promise<void> {
    const r = await this.keel(node, 'waitstate', state, '-t', String(seconds));
    if (r.code !== 0) {
      throw new Error(
        `${node} did not reach ${state}: ${r.err}\n--- module log ---\n${(await this.keel(node, 'log', '-v')).out}`,
      );
    }
  }

  async state(node: Node): Promise<string> {
    const r = await this.keel(node, 'state');
    return r.out.replace(/^[^:]+: /, '').replace(/\s+remote:.*$/, '');
  }

  /** The sample scripts' record of their calls, from this line on (see `mark`). */
  async scripts(node: Node, since = 0): Promise<string[]> {
    const out = await this.sh(
      node,
      `cat /var/lib/keel/modules/${this.module}/scripts.log 2>/dev/null || true`,
    );
    return out.split('\n').filter(Boolean).slice(since);
  }

  async mark(node: Node): Promise<number> {
    return (await this.scripts(node)).length;
  }

  /** One request to the sample application on `node` (from the node itself); its answer. */
  async hit(node: Node): Promise<string> {
    const get = `require('http').get('http://127.0.0.1:8080', r => r.pipe(process.stdout)).on('error', e => { console.error(e.message); process.exit(1); })`;
    const r = await this.lab.exec(node, ['node', '-e', get], { timeoutMs: 20_000 });
    if (r.code !== 0) throw new Error(`${node}: the sample application did not answer: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** The lines the sample application appended to its replicated file, as `node` sees them. */
  async hits(node: Node): Promise<string[]> {
    const out = await this.sh(node, `cat ${DATA_DIR}/hits 2>/dev/null || true`);
    return out.split('\n').filter(Boolean);
  }

  async log(node: Node): Promise<string> {
    // The whole verbose log: `keel log` prints the last 300 entries without -s (docs/decisions/0011).
    return (await this.keel(node, 'log', '-v', '-s', '1000000')).out;
  }

  /** The same cluster, its commands, states and logs aimed at another installed module. */
  forModule(module: string): KeelCluster {
    return Object.assign(Object.create(KeelCluster.prototype) as KeelCluster, this, { module });
  }

  /**
   * Waits until the node's module log holds `count` matches of `pattern` (`$` and `^` at line
   * ends); returns the log, or fails with it.
   */
  async waitLog(node: Node, pattern: RegExp, seconds = 30, count = 1): Promise<string> {
    const every = new RegExp(pattern.source, 'gm');
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const log = await this.log(node);
      if ((log.match(every) ?? []).length >= count) return log;
      if (Date.now() > deadline)
        throw new Error(
          `${node}: fewer than ${count} ${pattern} in the module log after ${seconds}s\n--- module log ---\n${log}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The documented first start: node1 PRIM (Ready), node2 SECOND (Ready). */
  async primSecond(): Promise<void> {
    await this.keel('node1', 'prim');
    await this.waitState('node1', 'ALONE');
    await this.keel('node2', 'second');
    await this.waitState('node2', 'SECOND');
    await this.waitState('node1', 'PRIM');
  }

  async destroy(): Promise<void> {
    await this.lab.destroy();
  }
}
