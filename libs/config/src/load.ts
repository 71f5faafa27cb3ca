import { readFileSync } from 'node:fs';
import { ConfigError, ConfigIssue, IssueSink } from './errors';
import { parseXml, XmlElement } from './xml/xml-tree';
import { expandMacros } from './macros';
import { checkSyntaxGeneration } from './legacy';
import { defaultsOf, readElement } from './schema/element';
import { MODES, safeRoot } from './schema/service';
import { check } from './schema/check';
import { failover } from './schema/failover';
import { cluster as clusterSpec } from './schema/cluster';
import { oneOf } from './values/attr';
import { attributeLocation } from './xml/xml-tree';
import { ModuleConfig } from './model/module';
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

    const services = root.children.filter((c) => c.name === 'service');
    const firstService = services[0];
    for (const m of root.children.filter((c) => c.name === 'macro')) {
      if (firstService && m.location.line > firstService.location.line) {
        sink.add(m.location, '<macro> must come before <service>');
      }
    }
    const macros = expandMacros(root, options.env ?? process.env, sink);
    if (!firstService) {
      sink.add(root.location, '<safe> needs a <service> element');
      sink.throwIfAny();
    }
    const modeAttr = firstService.attributes.get('mode');
    const mode = modeAttr ? oneOf(MODES).required().read(modeAttr.value, 'mode') : undefined;
    if (!mode) {
      sink.add(firstService.location, `missing required attribute 'mode' on <service> (expected one of: ${MODES.join(', ')})`, 'mode');
      sink.throwIfAny();
    } else if (!mode.ok) {
      sink.add(attributeLocation(firstService, 'mode'), mode.message, 'mode');
      sink.throwIfAny();
    }
    const modeValue = (mode as { ok: true; value: (typeof MODES)[number] }).value;
    const legacySyntax = checkSyntaxGeneration(firstService, sink);
    const draft = readElement(root, safeRoot(modeValue), sink);
    if (!draft) sink.throwIfAny();
    const svc = draft!.service;
    const checkers = svc.check ?? defaultsOf(check(modeValue), svc.ctx.location, sink)!;
    const config: ModuleConfig = {
      file,
      macros,
      mode: modeValue,
      service: {
        mode: modeValue,
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
      check: checkers,
      failover: svc.failover ?? defaultsOf(failover, svc.ctx.location, sink)!,
      legacySyntax,
    };
    checkModuleRelations(config, sink);
    sink.throwIfAny();
    return { config, warnings: moduleWarnings(config) };
  });
}

function moduleWarnings(m: ModuleConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const flow = m.heart?.heartbeats.find((h) => h.ident === 'flow');
  if (flow && !m.rfs) {
    out.push(new ConfigIssue(flow.loc, 'ident="flow" without <rfs>: the module will stay in WAIT at start', 'ident'));
  }
  for (const i of m.vip?.interfaces ?? []) {
    if (i.virtualInterface?.type === 'vmac_directed' && i.virtualInterface.mac !== undefined) {
      out.push(new ConfigIssue(i.virtualInterface.loc, 'addr is ignored with type="vmac_directed"', 'addr'));
    }
  }
  if (m.rfs && !m.user) {
    out.push(new ConfigIssue(m.rfs.loc, 'no <user>: replication runs but no module script will be called'));
  }
  return out;
}

/** Parses a cluster.xml text. Throws ConfigError listing every problem; never anything else. */
export function parseClusterConfig(text: string, file: string): ClusterConfig {
  return guard(file, () => {
    const sink = new IssueSink();
    const root = parseXml(text, file);
    if (!rootNamed(root, 'cluster', sink)) sink.throwIfAny();
    const lans = readElement(root, clusterSpec, sink);
    if (!lans) sink.throwIfAny();
    const nodes: string[] = [];
    for (const lan of lans!.lans) for (const n of lan.nodes) if (!nodes.includes(n.name)) nodes.push(n.name);
    const config: ClusterConfig = {
      file,
      port: lans!.port,
      pulse: lans!.pulse,
      mlostCount: lans!.mlost_count,
      slostCount: lans!.slost_count,
      lans: lans!.lans,
      commandLan: (lans!.lans.find((l) => l.command) ?? lans!.lans[0]).name,
      nodes,
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
    throw new ConfigError([new ConfigIssue({ file, path: '/', line: 0, column: 0 }, `cannot read the file: ${reason}`)]);
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
    const err = new ConfigError([new ConfigIssue({ file, path: '/', line: 0, column: 0 }, `internal error while reading: ${(e as Error).message}`)]);
    (err as Error & { cause?: unknown }).cause = e;
    throw err;
  }
}
