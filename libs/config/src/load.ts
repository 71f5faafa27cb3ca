import { readFileSync } from 'node:fs';
import { ConfigError, ConfigIssue, IssueSink } from './errors';
import { attributeLocation, parseXml, XmlElement } from './xml/xml-tree';
import { expandMacros } from './macros';
import { checkSyntaxGeneration } from './legacy';
import { defaultsOf, readElement } from './schema/element';
import { MODES, safeRoot } from './schema/service';
import { check } from './schema/check';
import { failover } from './schema/failover';
import { cluster as clusterSpec } from './schema/cluster';
import { oneOf } from './values/attr';
import { ModuleConfig, ModuleMode } from './model/module';
import { ClusterConfig } from './model/cluster';
import { checkModuleRelations } from './relations/module-relations';
import { checkClusterRelations } from './relations/cluster-relations';

export interface LoadOptions {
  /** Variables `%NAME%` may expand to when no macro has that name; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A valid module with the warnings worth telling its administrator. */
export interface LoadedModule {
  readonly config: ModuleConfig;
  readonly warnings: readonly ConfigIssue[];
}

function rootNamed(root: XmlElement, name: string, sink: IssueSink): boolean {
  if (root.name === name) return true;
  sink.add(root.location, `the root element must be <${name}>, not <${root.name}>`);
  return false;
}

/** Parses a userconfig.xml text. Throws ConfigError listing every problem; never anything else. */
export function parseModuleConfig(text: string, file: string, options: LoadOptions = {}): LoadedModule {
  return guard(file, () => {
    const sink = new IssueSink();
    const root = parseXml(text, file);
    if (!rootNamed(root, 'safe', sink)) sink.throwIfAny();
    const service = root.children.find((c) => c.name === 'service');
    for (const m of root.children.filter((c) => c.name === 'macro')) {
      if (service && m.location.line > service.location.line)
        sink.add(m.location, '<macro> must come before <service>');
    }
    const macros = expandMacros(root, options.env ?? process.env, sink);
    if (!service) sink.add(root.location, '<safe> needs a <service> element');
    // The mode decides which children <service> may have, so it is read before the rest.
    const mode = sink.require(service && readMode(service, sink));
    const legacySyntax = checkSyntaxGeneration(sink.require(service), sink);
    const svc = sink.require(readElement(root, safeRoot(mode), sink)).service;
    const config: ModuleConfig = {
      file,
      macros,
      mode,
      service: {
        mode,
        boot: svc.attrs.boot,
        bootDelay: svc.attrs.boot_delay,
        failover: svc.attrs.failover,
        defaultprim: svc.attrs.defaultprim,
        maxloop: svc.attrs.maxloop,
        loopInterval: svc.attrs.loop_interval,
        automaticReboot: svc.attrs.automatic_reboot,
        loc: svc.ctx.location,
      },
      heart: svc.heart,
      farm: svc.farm,
      vip: svc.vip,
      rfs: svc.rfs,
      user: svc.user,
      vhost: svc.vhost,
      errd: svc.errd,
      check: svc.check ?? sink.require(defaultsOf(check(mode), svc.ctx.location, sink)),
      failover: svc.failover ?? sink.require(defaultsOf(failover, svc.ctx.location, sink)),
      legacySyntax,
    };
    checkModuleRelations(config, sink);
    sink.throwIfAny();
    return { config, warnings: moduleWarnings(config) };
  });
}

function readMode(service: XmlElement, sink: IssueSink): ModuleMode | undefined {
  const attr = service.attributes.get('mode');
  if (!attr) {
    sink.add(
      service.location,
      `missing required attribute 'mode' on <service> (expected one of: ${MODES.join(', ')})`,
      'mode',
    );
    return undefined;
  }
  const r = oneOf(MODES).required().read(attr.value, 'mode');
  if (r.ok) return r.value;
  sink.add(attributeLocation(service, 'mode'), r.message, 'mode');
  return undefined;
}

function moduleWarnings(m: ModuleConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const flow = m.heart?.heartbeats.find((h) => h.ident === 'flow');
  if (flow && !m.rfs) {
    out.push(
      new ConfigIssue(flow.loc, 'ident="flow" without <rfs>: the module will stay in WAIT at start', 'ident'),
    );
  }
  for (const i of m.vip?.interfaces ?? []) {
    if (i.virtualInterface?.type === 'vmac_directed' && i.virtualInterface.mac !== undefined) {
      out.push(new ConfigIssue(i.virtualInterface.loc, 'addr is ignored with type="vmac_directed"', 'addr'));
    }
  }
  if (m.heart && m.heart.profile !== 'safekit') {
    out.push(
      new ConfigIssue(
        m.heart.loc,
        `profile="${m.heart.profile}" is a keel extension: SafeKit refuses this file`,
        'profile',
      ),
    );
  }
  for (const h of m.heart?.heartbeats ?? []) {
    const advice = heartbeatTimingAdvice(h.pulse, h.timeout);
    if (advice) out.push(new ConfigIssue(h.loc, advice, 'timeout'));
  }
  if (m.rfs && !m.user) {
    out.push(new ConfigIssue(m.rfs.loc, 'no <user>: replication runs but no module script will be called'));
  }
  return out;
}

/** Fewer missed pulses than this before a LAN is declared down invites false failovers (as in VRRP). */
export const MIN_PULSES_PER_TIMEOUT = 3;

/** What is worth saying about one heartbeat's times (valid ones: timeout <= pulse is an error). */
export function heartbeatTimingAdvice(pulseMs: number, timeoutMs: number): string | undefined {
  return timeoutMs < MIN_PULSES_PER_TIMEOUT * pulseMs
    ? `timeout ${timeoutMs}ms is less than ${MIN_PULSES_PER_TIMEOUT} pulses of ${pulseMs}ms: two lost packets make the LAN look down`
    : undefined;
}

/** Parses a cluster.xml text. Throws ConfigError listing every problem; never anything else. */
export function parseClusterConfig(text: string, file: string): ClusterConfig {
  return guard(file, () => {
    const sink = new IssueSink();
    const root = parseXml(text, file);
    if (!rootNamed(root, 'cluster', sink)) sink.throwIfAny();
    const lans = sink.require(readElement(root, clusterSpec, sink));
    const nodes = [...new Set(lans.lans.flatMap((lan) => lan.nodes.map((n) => n.name)))];
    const config: ClusterConfig = {
      file,
      port: lans.port,
      pulse: lans.pulse,
      mlostCount: lans.mlost_count,
      slostCount: lans.slost_count,
      lans: lans.lans,
      commandLan: (lans.lans.find((l) => l.command) ?? lans.lans[0]).name,
      nodes,
      ...(lans.arbiter ? { arbiter: lans.arbiter } : {}),
    };
    checkClusterRelations(config, sink);
    sink.throwIfAny();
    return config;
  });
}

export const loadModuleConfig = (file: string, options: LoadOptions = {}): LoadedModule =>
  parseModuleConfig(readText(file), file, options);

export const loadClusterConfig = (file: string): ClusterConfig => parseClusterConfig(readText(file), file);

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    throw new ConfigError([
      new ConfigIssue({ file, path: '/', line: 0, column: 0 }, `cannot read the file: ${reason}`),
    ]);
  }
}

/**
 * The promise of the parsers: a model or a ConfigError. Anything else escaping is a keel bug; it is
 * still reported as a located error rather than a crash, with the cause kept for the bug report.
 */
function guard<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const err = new ConfigError([
      new ConfigIssue(
        { file, path: '/', line: 0, column: 0 },
        `internal error while reading: ${(e as Error).message}`,
      ),
    ]);
    (err as Error & { cause?: unknown }).cause = e;
    throw err;
  }
}
